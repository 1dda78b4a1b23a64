#include "models/liveness_training.h"

#include <cmath>
#include <stdexcept>

#include <opencv2/core.hpp>
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

double log1p_exp(double v) { return v > 30 ? v : std::log1p(std::exp(v)); }

}  // namespace

LogisticHead train_logistic_head(const std::vector<std::vector<float>>& x, const std::vector<bool>& live,
                                 const std::vector<double>& weight, double c) {
  if (x.empty() || x.size() != live.size() || x.size() != weight.size())
    throw std::invalid_argument("liveness training: no samples");
  size_t n_live = 0;
  for (bool l : live) n_live += l;
  if (n_live == 0 || n_live == live.size()) throw std::invalid_argument("liveness training: needs live and spoof samples");

  LogisticHead head;
  head.standardiser = fit_standardiser(x);
  const int n = static_cast<int>(x.size()), d = static_cast<int>(x.front().size()), D = d + 1;  // the last column: the bias
  cv::Mat X(n, D, CV_64F);
  std::vector<float> z;
  for (int r = 0; r < n; ++r) {
    head.standardiser.apply(x[static_cast<size_t>(r)], z);
    double* row = X.ptr<double>(r);
    for (int i = 0; i < d; ++i) row[i] = z[static_cast<size_t>(i)];
    row[d] = 1.0;
  }
  cv::Mat y(n, 1, CV_64F), s(n, 1, CV_64F);
  for (int r = 0; r < n; ++r) {
    y.at<double>(r) = live[static_cast<size_t>(r)] ? 1.0 : -1.0;
    s.at<double>(r) = c * weight[static_cast<size_t>(r)];
  }
  // Minimise 0.5 |w|^2 + sum_i s_i log(1 + exp(-y_i x_i.w)), the bias unpenalised.
  auto objective = [&](const cv::Mat& w) {
    cv::Mat m = X * w;
    double f = 0;
    for (int i = 0; i < d; ++i) f += 0.5 * w.at<double>(i) * w.at<double>(i);
    for (int r = 0; r < n; ++r) f += s.at<double>(r) * log1p_exp(-y.at<double>(r) * m.at<double>(r));
    return f;
  };
  cv::Mat w = cv::Mat::zeros(D, 1, CV_64F);
  double f = objective(w);
  for (int iteration = 0; iteration < 100; ++iteration) {
    cv::Mat m = X * w;
    cv::Mat g = w.clone();
    g.at<double>(d) = 0;
    cv::Mat coefficient(n, 1, CV_64F), root(n, 1, CV_64F);
    for (int r = 0; r < n; ++r) {
      const double p = 1.0 / (1.0 + std::exp(-y.at<double>(r) * m.at<double>(r)));  // P(correct class)
      coefficient.at<double>(r) = -s.at<double>(r) * (1 - p) * y.at<double>(r);
      root.at<double>(r) = std::sqrt(s.at<double>(r) * p * (1 - p));
    }
    g += X.t() * coefficient;
    cv::Mat scaled = X.clone();
    for (int r = 0; r < n; ++r) scaled.row(r) *= root.at<double>(r);
    cv::Mat hessian;
    cv::mulTransposed(scaled, hessian, true);
    for (int i = 0; i < d; ++i) hessian.at<double>(i, i) += 1.0;
    hessian.at<double>(d, d) += 1e-8;  // the bias: no penalty, only enough to stay solvable
    cv::Mat step;
    if (!cv::solve(hessian, g, step, cv::DECOMP_CHOLESKY)) cv::solve(hessian, g, step, cv::DECOMP_SVD);
    // Halve the step until the objective falls (Newton overshoots rarely here).
    double t = 1.0, next = f;
    cv::Mat candidate;
    for (int k = 0; k < 30; ++k, t *= 0.5) {
      candidate = w - t * step;
      next = objective(candidate);
      if (next <= f) break;
    }
    if (next > f) break;
    w = candidate;
    const double decrease = f - next;
    f = next;
    if (decrease <= 1e-10 * std::max(1.0, std::abs(f))) break;
  }
  for (int i = 0; i < d; ++i) head.weights.push_back(static_cast<float>(w.at<double>(i)));
  head.bias = w.at<double>(d);
  return head;
}

KernelHead train_kernel_head(const std::vector<std::vector<float>>& x, const std::vector<bool>& live, double c,
                             double gamma) {
  if (x.empty() || x.size() != live.size()) throw std::invalid_argument("liveness training: no samples");
  size_t n_live = 0;
  for (bool l : live) n_live += l;
  if (n_live == 0 || n_live == live.size()) throw std::invalid_argument("liveness training: needs live and spoof samples");
  KernelHead head;
  head.standardiser = fit_standardiser(x);
  head.gamma = gamma;
  const int n = static_cast<int>(x.size()), d = static_cast<int>(x.front().size());
  cv::Mat samples(n, d, CV_32F), labels(n, 1, CV_32S);
  std::vector<float> z;
  for (int r = 0; r < n; ++r) {
    head.standardiser.apply(x[static_cast<size_t>(r)], z);
    std::copy(z.begin(), z.end(), samples.ptr<float>(r));
    labels.at<int>(r) = live[static_cast<size_t>(r)] ? 1 : 0;
  }
  auto svm = cv::ml::SVM::create();
  svm->setType(cv::ml::SVM::C_SVC);
  svm->setKernel(cv::ml::SVM::RBF);
  svm->setGamma(gamma);
  svm->setC(c);
  // Each class weighs the same: a site's live captures usually outnumber its attacks.
  // (Weights in the order of the labels, spoof = 0 first; they multiply C.)
  const double half = static_cast<double>(n) / 2.0;
  cv::Mat weights = (cv::Mat_<double>(2, 1) << half / static_cast<double>(live.size() - n_live),
                     half / static_cast<double>(n_live));
  svm->setClassWeights(weights);
  svm->setTermCriteria(cv::TermCriteria(cv::TermCriteria::MAX_ITER + cv::TermCriteria::EPS, 100000, 1e-6));
  if (!svm->train(samples, cv::ml::ROW_SAMPLE, labels)) throw std::invalid_argument("liveness training: the SVM did not train");
  const cv::Mat support = svm->getSupportVectors();
  cv::Mat alpha, index;
  const double rho = svm->getDecisionFunction(0, alpha, index);
  alpha.convertTo(alpha, CV_64F);
  index.convertTo(index, CV_32S);
  for (int k = 0; k < static_cast<int>(alpha.total()); ++k) {
    const float* row = support.ptr<float>(index.at<int>(k));
    head.support.emplace_back(row, row + d);
    head.alpha.push_back(static_cast<float>(alpha.at<double>(k)));
  }
  head.bias = -rho;
  // OpenCV's sign depends on the order it met the classes in: make a higher
  // margin mean live, as every head here does.
  double live_sum = 0, spoof_sum = 0;
  for (size_t i = 0; i < x.size(); ++i) (live[i] ? live_sum : spoof_sum) += head.margin(x[i]);
  if (live_sum / static_cast<double>(n_live) < spoof_sum / static_cast<double>(x.size() - n_live)) {
    for (auto& a : head.alpha) a = -a;
    head.bias = -head.bias;
  }
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
