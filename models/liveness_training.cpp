#include "models/liveness_training.h"

#include <cmath>
#include <stdexcept>

#include <opencv2/ml.hpp>

namespace portier {
namespace {

Standardiser fit_standardiser(const std::vector<std::vector<float>>& x) {
  const size_t d = x.front().size();
  std::vector<double> sum(d, 0.0), sum2(d, 0.0);
  for (const auto& row : x)
    for (size_t i = 0; i < d; ++i) {
      sum[i] += row[i];
      sum2[i] += static_cast<double>(row[i]) * row[i];
    }
  Standardiser s;
  const double n = static_cast<double>(x.size());
  for (size_t i = 0; i < d; ++i) {
    const double mean = sum[i] / n;
    const double sd = std::sqrt(std::max(0.0, sum2[i] / n - mean * mean));
    s.mean.push_back(static_cast<float>(mean));
    // A constant feature (an LBP bin no image uses) must not divide by zero.
    s.scale.push_back(static_cast<float>(sd > 1e-6 ? sd : 1.0));
  }
  return s;
}

struct Prepared {
  Standardiser standardiser;
  cv::Mat samples;    // standardised, CV_32F
  cv::Mat responses;  // CV_32S: 1 live, 0 spoof
};

Prepared prepare(const std::vector<std::vector<float>>& x, const std::vector<bool>& live) {
  if (x.empty() || x.size() != live.size()) throw std::invalid_argument("liveness training: no samples");
  size_t n_live = 0;
  for (bool l : live) n_live += l;
  if (n_live == 0 || n_live == live.size()) throw std::invalid_argument("liveness training: needs live and spoof samples");
  Prepared p;
  p.standardiser = fit_standardiser(x);
  p.samples = cv::Mat(static_cast<int>(x.size()), static_cast<int>(x.front().size()), CV_32F);
  p.responses = cv::Mat(static_cast<int>(x.size()), 1, CV_32S);
  std::vector<float> z;
  for (size_t r = 0; r < x.size(); ++r) {
    p.standardiser.apply(x[r], z);
    std::copy(z.begin(), z.end(), p.samples.ptr<float>(static_cast<int>(r)));
    p.responses.at<int>(static_cast<int>(r)) = live[r] ? 1 : 0;
  }
  return p;
}

cv::Ptr<cv::ml::SVM> fit_svm(const Prepared& p, int kernel, double c, double gamma) {
  auto svm = cv::ml::SVM::create();
  svm->setType(cv::ml::SVM::C_SVC);
  svm->setKernel(kernel);
  svm->setC(c);
  if (kernel == cv::ml::SVM::RBF) svm->setGamma(gamma);
  // OpenCV stops after 1000 iterations by default, far from the optimum on
  // a few thousand samples; libsvm's own tolerance instead.
  svm->setTermCriteria(cv::TermCriteria(cv::TermCriteria::MAX_ITER + cv::TermCriteria::EPS, 10'000'000, 1e-3));
  if (!svm->train(cv::ml::TrainData::create(p.samples, cv::ml::ROW_SAMPLE, p.responses)))
    throw std::runtime_error("liveness training: the SVM did not train");
  return svm;
}

// The model's margins are positive for live. OpenCV's sign convention for
// the decision value has changed between versions, so it is read off the
// training data instead of assumed: +1 when live samples score higher.
template <class Head>
double live_sign(const Head& head, const std::vector<std::vector<float>>& x, const std::vector<bool>& live) {
  double live_sum = 0, spoof_sum = 0, n_live = 0, n_spoof = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double m = head.raw(x[i]);
    (live[i] ? live_sum : spoof_sum) += m;
    (live[i] ? n_live : n_spoof) += 1;
  }
  return live_sum / n_live >= spoof_sum / n_spoof ? 1.0 : -1.0;
}

}  // namespace

RbfHead train_face_head(const std::vector<std::vector<float>>& x, const std::vector<bool>& live, double c, double gamma) {
  const Prepared p = prepare(x, live);
  const auto svm = fit_svm(p, cv::ml::SVM::RBF, c, gamma);
  cv::Mat alpha, index;
  const double rho = svm->getDecisionFunction(0, alpha, index);
  const cv::Mat vectors = svm->getSupportVectors();
  RbfHead head;
  head.standardiser = p.standardiser;
  head.gamma = gamma;
  head.bias = -rho;
  head.support = cv::Mat(index.rows * index.cols, vectors.cols, CV_32F);
  alpha.convertTo(alpha, CV_64F);
  for (int k = 0; k < head.support.rows; ++k) {
    vectors.row(index.at<int>(k)).copyTo(head.support.row(k));
    head.coefficients.push_back(static_cast<float>(alpha.at<double>(k)));
  }
  const double sign = live_sign(head, x, live);
  head.bias *= sign;
  for (auto& c : head.coefficients) c = static_cast<float>(c * sign);
  return head;
}

LinearHead train_scene_head(const std::vector<std::vector<float>>& x, const std::vector<bool>& live, double c) {
  const Prepared p = prepare(x, live);
  const auto svm = fit_svm(p, cv::ml::SVM::LINEAR, c, 0.0);
  cv::Mat alpha, index;
  const double rho = svm->getDecisionFunction(0, alpha, index);
  // A linear SVM keeps one compressed support vector: w itself.
  const cv::Mat w = svm->getSupportVectors();
  alpha.convertTo(alpha, CV_64F);
  LinearHead head;
  head.standardiser = p.standardiser;
  head.bias = -rho;
  for (int i = 0; i < w.cols; ++i) head.weights.push_back(static_cast<float>(alpha.at<double>(0) * w.at<float>(0, i)));
  const double sign = live_sign(head, x, live);
  head.bias *= sign;
  for (auto& w_i : head.weights) w_i = static_cast<float>(w_i * sign);
  return head;
}

std::pair<double, double> fit_platt(const std::vector<double>& m, const std::vector<bool>& live) {
  double n_live = 0, n_spoof = 0;
  for (bool l : live) (l ? n_live : n_spoof) += 1;
  const double t_live = (n_live + 1) / (n_live + 2), t_spoof = 1 / (n_spoof + 2);
  double a = 1, b = 0;
  for (int iter = 0; iter < 100; ++iter) {
    double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
    for (size_t i = 0; i < m.size(); ++i) {
      const double p = 1 / (1 + std::exp(-(a * m[i] + b)));
      const double t = live[i] ? t_live : t_spoof;
      const double w = p * (1 - p);
      ga += (p - t) * m[i];
      gb += p - t;
      haa += w * m[i] * m[i];
      hab += w * m[i];
      hbb += w;
    }
    const double det = haa * hbb - hab * hab;
    if (std::abs(det) < 1e-18) break;
    const double da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (std::abs(da) < 1e-10 && std::abs(db) < 1e-10) break;
  }
  return {a, b};
}

}  // namespace portier
