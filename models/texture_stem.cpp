#include "models/texture_stem.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace portier {

TextureStem::TextureStem(TextureStemWeights weights) : w_(std::move(weights)) {
  constexpr size_t filters = TextureStemWeights::kFilters;
  if (w_.filters.size() != filters * TextureStemWeights::kTaps || w_.biases.size() != filters ||
      w_.gamma.size() != filters || w_.beta.size() != filters)
    throw std::invalid_argument("texture stem: the weights have the wrong sizes");
}

std::array<float, TextureStem::kFeatureCount> TextureStem::describe(const cv::Mat& bgr) const {
  constexpr int K = TextureStemWeights::kSize, F = TextureStemWeights::kFilters, C = TextureStemWeights::kChannels;
  if (bgr.type() != CV_8UC3 || bgr.rows < 16 || bgr.cols < 16)
    throw std::invalid_argument("texture stem: needs an 8-bit BGR image of at least 16x16");
  const int H = bgr.rows, W = bgr.cols;
  // The input planes in the network's order (R, G, B) and scale.
  std::vector<float> planes(static_cast<size_t>(C * H * W));
  for (int y = 0; y < H; ++y) {
    const auto* row = bgr.ptr<unsigned char>(y);
    for (int x = 0; x < W; ++x)
      for (int c = 0; c < C; ++c)
        planes[(static_cast<size_t>(c) * H + y) * W + x] = (row[3 * x + (2 - c)] - w_.rgb_mean[static_cast<size_t>(c)]) / 256.0f;
  }
  // Convolution, stride 2, no padding, as im2col and one multiply-add over
  // every output position per filter tap (the inner loop vectorises).
  const int OH = (H - K) / 2 + 1, OW = (W - K) / 2 + 1, P = OH * OW;
  std::vector<float> columns(static_cast<size_t>(TextureStemWeights::kTaps) * P);
  for (int c = 0; c < C; ++c)
    for (int ky = 0; ky < K; ++ky)
      for (int kx = 0; kx < K; ++kx) {
        float* col = &columns[static_cast<size_t>((c * K + ky) * K + kx) * P];
        for (int oy = 0; oy < OH; ++oy) {
          const float* in = &planes[(static_cast<size_t>(c) * H + 2 * oy + ky) * W + kx];
          for (int ox = 0; ox < OW; ++ox) col[oy * OW + ox] = in[2 * ox];
        }
      }
  const int PH = (OH - 3) / 2 + 1, PW = (OW - 3) / 2 + 1;
  std::array<float, kFeatureCount> out{};
  std::vector<float> response(static_cast<size_t>(P));
  for (int f = 0; f < F; ++f) {
    std::fill(response.begin(), response.end(), w_.biases[static_cast<size_t>(f)]);
    const float* taps = &w_.filters[static_cast<size_t>(f) * TextureStemWeights::kTaps];
    for (int t = 0; t < TextureStemWeights::kTaps; ++t) {
      const float a = taps[t];
      const float* col = &columns[static_cast<size_t>(t) * P];
      for (int p = 0; p < P; ++p) response[static_cast<size_t>(p)] += a * col[p];
    }
    const float g = w_.gamma[static_cast<size_t>(f)], b = w_.beta[static_cast<size_t>(f)];
    for (float& v : response) v = std::max(0.0f, g * v + b);
    // 3x3 max pool, stride 2, then the mean and spread of what is left.
    double sum = 0, sum2 = 0;
    for (int py = 0; py < PH; ++py)
      for (int px = 0; px < PW; ++px) {
        float m = 0;  // after the ReLU every response is >= 0
        for (int dy = 0; dy < 3; ++dy)
          for (int dx = 0; dx < 3; ++dx) m = std::max(m, response[static_cast<size_t>((2 * py + dy) * OW + 2 * px + dx)]);
        sum += m;
        sum2 += static_cast<double>(m) * m;
      }
    const double n = static_cast<double>(PH) * PW, mean = sum / n;
    out[static_cast<size_t>(2 * f)] = static_cast<float>(mean);
    out[static_cast<size_t>(2 * f + 1)] = static_cast<float>(std::sqrt(std::max(0.0, sum2 / n - mean * mean)));
  }
  return out;
}

}  // namespace portier
