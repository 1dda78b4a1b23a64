#include "pipeline/stages.h"

namespace portier {

void LivenessStage::run() {
  for_each_item(in_, timings_, [&](std::unique_ptr<FaceBatch> batch) { out_.push(std::move(batch)); });
  out_.producer_done();
}

}  // namespace portier
