#include "hal/libcamera_camera.h"

#include <sys/mman.h>

#include <libcamera/version.h>

namespace portier {

namespace lc = libcamera;

std::variant<std::unique_ptr<Camera>, std::string> LibcameraCamera::open(const std::string& id,
                                                                        const CameraOptions& options) {
  std::unique_ptr<LibcameraCamera> camera(new LibcameraCamera());
  if (auto why = camera->start(id, options); !why.empty()) return why;
  return std::unique_ptr<Camera>(std::move(camera));
}

std::string LibcameraCamera::start(const std::string& id, const CameraOptions& options) {
  manager_ = std::make_unique<lc::CameraManager>();
  if (manager_->start() != 0) return "libcamera camera manager cannot start";
  const auto cameras = manager_->cameras();
  if (cameras.empty()) return "no libcamera camera found (is the camera cable seated and enabled?)";
  camera_ = id.empty() ? cameras.front() : manager_->get(id);
  if (!camera_) return "libcamera camera '" + id + "' not found";
  id_ = camera_->id();
  if (camera_->acquire() != 0) return "libcamera camera " + id_ + " is in use by another process";
  acquired_ = true;

  config_ = camera_->generateConfiguration({lc::StreamRole::VideoRecording});
  if (!config_ || config_->size() != 1) return "libcamera camera " + id_ + " has no video stream";
  auto& stream_config = config_->at(0);
  // RGB888 is B, G, R in memory: OpenCV's BGR without a conversion.
  stream_config.pixelFormat = lc::formats::RGB888;
  stream_config.size = lc::Size(static_cast<unsigned>(options.width), static_cast<unsigned>(options.height));
  if (config_->validate() == lc::CameraConfiguration::Invalid) return "libcamera camera " + id_ + " refused RGB888";
  if (stream_config.pixelFormat != lc::formats::RGB888)
    return "libcamera camera " + id_ + " cannot deliver RGB888 (offers " + stream_config.pixelFormat.toString() + ")";
  if (camera_->configure(config_.get()) != 0) return "libcamera camera " + id_ + " cannot be configured";
  stream_ = stream_config.stream();

  allocator_ = std::make_unique<lc::FrameBufferAllocator>(camera_);
  if (allocator_->allocate(stream_) < 0) return "libcamera camera " + id_ + ": no frame buffers";
  for (const auto& buffer : allocator_->buffers(stream_)) {
    const auto& plane = buffer->planes().front();
    const size_t length = plane.offset + plane.length;
    void* memory = mmap(nullptr, length, PROT_READ, MAP_SHARED, plane.fd.get(), 0);
    if (memory == MAP_FAILED) return "libcamera camera " + id_ + ": cannot map a frame buffer";
    mapped_[buffer.get()] = {static_cast<unsigned char*>(memory), length};
    auto request = camera_->createRequest();
    if (!request || request->addBuffer(stream_, buffer.get()) != 0) return "libcamera camera " + id_ + ": bad request";
    requests_.push_back(std::move(request));
  }

  camera_->requestCompleted.connect(this, &LibcameraCamera::on_request_completed);
  lc::ControlList controls;
  if (options.fps > 0) {
    const int64_t frame_us = static_cast<int64_t>(1e6 / options.fps);
    controls.set(lc::controls::FrameDurationLimits, lc::Span<const int64_t, 2>({frame_us, frame_us}));
    fps_ = options.fps;
  }
  if (camera_->start(&controls) != 0) return "libcamera camera " + id_ + " cannot start streaming";
  started_ = true;
  for (auto& request : requests_)
    if (camera_->queueRequest(request.get()) != 0) return "libcamera camera " + id_ + ": cannot queue a request";
  return "";
}

LibcameraCamera::~LibcameraCamera() {
  if (started_) camera_->stop();
  if (camera_) camera_->requestCompleted.disconnect(this);
  requests_.clear();
  for (const auto& [buffer, map] : mapped_) munmap(map.first, map.second);
  allocator_.reset();
  if (acquired_) camera_->release();
  camera_.reset();
  if (manager_) manager_->stop();
}

void LibcameraCamera::on_request_completed(lc::Request* request) {
  if (request->status() == lc::Request::RequestCancelled) return;
  {
    std::lock_guard lock(mutex_);
    completed_.push_back(request);
  }
  ready_.notify_one();
}

void LibcameraCamera::interrupt() {
  {
    std::lock_guard lock(mutex_);
    interrupted_ = true;
  }
  ready_.notify_all();
}

std::optional<CapturedFrame> LibcameraCamera::read() {
  lc::Request* request = nullptr;
  {
    std::unique_lock lock(mutex_);
    if (!ready_.wait_for(lock, std::chrono::seconds(2), [&] { return interrupted_ || !completed_.empty(); })) {
      error_ = describe() + " delivered no frame for 2 s";
      return std::nullopt;
    }
    if (interrupted_) return std::nullopt;
    // Keep only the newest frame: older ones are stale, and their buffers go
    // straight back to the camera.
    while (completed_.size() > 1) {
      auto* old = completed_.front();
      completed_.pop_front();
      old->reuse(lc::Request::ReuseBuffers);
      camera_->queueRequest(old);
    }
    request = completed_.front();
    completed_.pop_front();
  }
  const auto& stream_config = config_->at(0);
  const auto* buffer = request->buffers().at(stream_);
  const auto& map = mapped_.at(buffer);
  const auto& plane = buffer->planes().front();
  CapturedFrame frame;
  frame.captured = std::chrono::steady_clock::now();
  frame.bgr = cv::Mat(static_cast<int>(stream_config.size.height), static_cast<int>(stream_config.size.width), CV_8UC3,
                      map.first + plane.offset, stream_config.stride)
                  .clone();
  request->reuse(lc::Request::ReuseBuffers);
  camera_->queueRequest(request);
  return frame;
}

}  // namespace portier
