#pragma once

#include <vector>

#include <opencv2/core.hpp>

namespace portier {

// Histograms of uniform local binary patterns (Ojala et al. 2002, the
// "u2" mapping): each pattern with at most two 0/1 transitions around the
// circle gets its own bin, all others share one, so P=8 gives 59 bins and
// P=16 gives 243. Neighbours off the pixel grid are bilinearly interpolated.
class UniformLbp {
 public:
  UniformLbp(int points, double radius);

  int bins() const { return bins_; }
  // grey: CV_8U. The image is cut into grid x grid cells; each cell's
  // histogram is normalised to sum 1 and the cells are concatenated, row by
  // row. Pixels closer than the radius to the border are not coded.
  std::vector<float> histograms(const cv::Mat& grey, int grid) const;

 private:
  struct Neighbour {
    int dy, dx;            // top-left pixel of the interpolation square
    float w00, w01, w10, w11;
  };
  int points_;
  int margin_;
  int bins_;
  std::vector<Neighbour> neighbours_;
  std::vector<unsigned short> bin_of_pattern_;  // 2^points entries
};

}  // namespace portier
