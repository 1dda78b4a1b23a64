// The only translation unit that instantiates the ResNet: see mmod_detector.cpp.
#include <dlib/dnn.h>

#include <cmath>
#include <stdexcept>

#include "models/face_embedder.h"
#include "models/texture_stem.h"

namespace portier {
namespace {

using namespace dlib;  // the network definition reads as in dlib's dnn_face_recognition_ex.cpp

template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename S>
using residual = add_prev1<block<N, BN, 1, tag1<S>>>;
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename S>
using residual_down = add_prev2<avg_pool<2, 2, 2, 2, skip1<tag2<block<N, BN, 2, tag1<S>>>>>>;
template <int N, template <typename> class BN, int stride, typename S>
using block = BN<con<N, 3, 3, 1, 1, relu<BN<con<N, 3, 3, stride, stride, S>>>>>;
template <int N, typename S> using ares = relu<residual<block, N, affine, S>>;
template <int N, typename S> using ares_down = relu<residual_down<block, N, affine, S>>;
template <typename S> using alevel0 = ares_down<256, S>;
template <typename S> using alevel1 = ares<256, ares<256, ares_down<256, S>>>;
template <typename S> using alevel2 = ares<128, ares<128, ares_down<128, S>>>;
template <typename S> using alevel3 = ares<64, ares<64, ares<64, ares_down<64, S>>>>;
template <typename S> using alevel4 = ares<32, ares<32, ares<32, S>>>;
using ResnetNet = loss_metric<fc_no_bias<128, avg_pool_everything<
    alevel0<alevel1<alevel2<alevel3<alevel4<max_pool<3, 3, 2, 2, relu<affine<con<32, 7, 7, 2, 2,
    input_rgb_image_sized<150>>>>>>>>>>>>>;

class ResnetEmbedder final : public FaceEmbedder {
 public:
  ResnetEmbedder(const std::filesystem::path& file, bool mirror) : mirror_(mirror) {
    try {
      deserialize(file.string()) >> net_;
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot read the ResNet model " + file.string() + ": " + e.what());
    }
  }

  std::vector<Embedding> embed(const std::vector<cv::Mat>& chips) override {
    std::vector<matrix<rgb_pixel>> batch(chips.size());
    for (size_t i = 0; i < chips.size(); ++i) {
      const cv::Mat& c = chips[i];
      if (c.rows != kChipSize || c.cols != kChipSize || c.type() != CV_8UC3)
        throw std::invalid_argument("face chip must be 150x150 RGB");
      batch[i].set_size(kChipSize, kChipSize);
      for (int r = 0; r < kChipSize; ++r) {
        const auto* row = c.ptr<unsigned char>(r);
        for (int col = 0; col < kChipSize; ++col)
          batch[i](r, col) = rgb_pixel(row[3 * col], row[3 * col + 1], row[3 * col + 2]);
      }
    }
    std::vector<Embedding> out(chips.size());
    if (chips.empty()) return out;
    // The mirror image is the same face: the mean of both descriptors is a
    // steadier one (LFW DevTrain: 98.59% -> 99.18%, docs/recognition.md).
    const size_t n = batch.size();
    if (mirror_)
      for (size_t i = 0; i < n; ++i) batch.push_back(fliplr(batch[i]));
    const auto descriptors = net_(batch, 16);
    for (size_t i = 0; i < n; ++i)
      for (int k = 0; k < kEmbeddingSize; ++k)
        out[i][static_cast<size_t>(k)] = mirror_ ? 0.5f * (descriptors[i](k) + descriptors[i + n](k)) : descriptors[i](k);
    return out;
  }

  const ResnetNet& net() const { return net_; }

 private:
  ResnetNet net_;
  bool mirror_;
};

// The first layer's weights, for liveness (models/texture_stem.h): read here
// because only this translation unit knows the network's type.
TextureStemWeights stem_of(const ResnetNet& net, const std::filesystem::path& resnet_model) {
  // From the input up: con (layer 130), affine (129), relu (128), max_pool (127).
  const auto& con = layer<130>(net).layer_details();
  const auto& affine = layer<129>(net).layer_details();
  const tensor& params = con.get_layer_params();
  const size_t taps = static_cast<size_t>(TextureStemWeights::kFilters) * TextureStemWeights::kTaps;
  if (con.num_filters() != TextureStemWeights::kFilters || params.size() != taps + TextureStemWeights::kFilters)
    throw std::runtime_error("the ResNet model " + resnet_model.string() + " does not start with the expected layer");
  TextureStemWeights w;
  w.filters.assign(params.host(), params.host() + taps);
  w.biases.assign(params.host() + taps, params.host() + params.size());
  const auto gamma_alias = affine.get_gamma(), beta_alias = affine.get_beta();
  const tensor& gamma = gamma_alias.get();
  const tensor& beta = beta_alias.get();
  w.gamma.assign(gamma.host(), gamma.host() + gamma.size());
  w.beta.assign(beta.host(), beta.host() + beta.size());
  return w;
}

}  // namespace

TextureStemWeights resnet_stem_weights(const std::filesystem::path& resnet_model) {
  return stem_of(ResnetEmbedder(resnet_model, false).net(), resnet_model);
}

LoadedResnet load_resnet(const std::filesystem::path& model_file, bool mirror) {
  auto embedder = std::make_unique<ResnetEmbedder>(model_file, mirror);
  TextureStemWeights stem = stem_of(embedder->net(), model_file);
  return {std::move(embedder), std::move(stem)};
}

}  // namespace portier
