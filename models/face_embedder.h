#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "models/face_types.h"
#include "models/texture_stem.h"

namespace portier {

// Maps aligned chips to 128-d descriptors; same person when the euclidean
// distance is small. Not thread-safe (the network keeps its activations).
class FaceEmbedder {
 public:
  virtual ~FaceEmbedder() = default;
  // One forward pass over all chips: batching amortises the per-call overhead.
  virtual std::vector<Embedding> embed(const std::vector<cv::Mat>& chips) = 0;
};

// The ResNet embedder and the first layer's weights liveness uses, from one
// reading of the file (22 MB: reading it twice would cost start-up time and
// memory). mirror: each descriptor is the mean of the chip's and its mirror
// image's, at twice the cost: for stills (enrolment photos), not live frames.
struct LoadedResnet {
  std::unique_ptr<FaceEmbedder> embedder;
  TextureStemWeights stem;
};
// Throws std::runtime_error naming the file when it cannot be read as the network.
LoadedResnet load_resnet(const std::filesystem::path& model_file, bool mirror = false);

float embedding_distance(const Embedding& a, const Embedding& b);

}  // namespace portier
