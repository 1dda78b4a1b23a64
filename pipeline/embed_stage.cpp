#include "pipeline/embed_stage.h"
#include "pipeline/stage_loop.h"

namespace portier {

void EmbedStage::run() {
  for_each_item(in_, timings_, [&](std::unique_ptr<FaceBatch> batch) {
    if (!batch->faces.empty()) {
      std::vector<cv::Mat> chips;
      for (const auto& face : batch->faces) chips.push_back(face.aligned.chip);
      const auto embeddings = embedder_->embed(chips);
      for (size_t i = 0; i < embeddings.size(); ++i) batch->faces[i].embedding = embeddings[i];
    }
    out_.push(std::move(batch));
  });
  out_.producer_done();
}

}  // namespace portier
