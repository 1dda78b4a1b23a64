#pragma once

#include <array>

#include <opencv2/core.hpp>

namespace portier {

// What recapturing a face (a print, a screen) does to the image, after Wen,
// Han and Jain 2015, "Face Spoof Detection with Image Distortion Analysis".
// Only the cues that held across NUAA's capture sessions are kept: hue,
// brightness and colour-count statistics moved more between sessions
// (lighting) than between live and spoof, and a classifier fed them learnt
// the room, not the attack.
struct DistortionCues {
  // Specular reflection (Shen & Cai 2009 estimate: the per-pixel minimum
  // channel above its image mean): fraction of specular pixels, and the mean
  // and spread of their specular component. Skin shows small highlights;
  // matte paper shows none, glossy screens large ones.
  double specular_fraction = 0, specular_mean = 0, specular_spread = 0;
  // Blur: Crete-Roffet's no-reference metric (how much a strong box blur
  // still changes the image: little for an already blurred one) and the log
  // of the Laplacian's variance. Recaptured faces lose fine detail.
  double blur = 0, log_laplacian_variance = 0;
  // Saturation moments: prints and screens narrow the colour gamut.
  double saturation_mean = 0, saturation_spread = 0, saturation_skew = 0, saturation_peak = 0;

  static constexpr int kCount = 9;
  std::array<float, kCount> values() const;
};

// face: 8-bit BGR face region, any size (the liveness model uses 112x112).
DistortionCues distortion_cues(const cv::Mat& face_bgr);

}  // namespace portier
