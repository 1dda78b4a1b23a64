#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace portier {

struct ModelFile {
  std::string_view name;
  std::string_view sha256;
};

inline constexpr ModelFile kResnetModel{"dlib_face_recognition_resnet_model_v1.dat",
                                        "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30"};
inline constexpr ModelFile kShapePredictorModel{"shape_predictor_5_face_landmarks.dat",
                                                "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888"};
inline constexpr ModelFile kMmodModel{"mmod_human_face_detector.dat",
                                      "be467b1a76f482693de3b0f6a1ff91d092319be71523d4d4b0628f6a53fcb87a"};

// portier's own liveness model (models/data/, made by scripts/train-liveness.sh).
// Regenerating it changes this checksum: update it with the file.
inline constexpr ModelFile kLivenessModel{"portier-liveness.json",
                                          "ebbc9d7552f4561070e0483f8ff8035b9a52a03bc70fbd628c0a5b56deedba02"};

// The distance curves the acceptance rule is derived from (models/data/, made
// by scripts/fit-recognition-curves.sh on LFW's development training view).
inline constexpr ModelFile kRecognitionCurves{"portier-recognition-curves.json",
                                              "7b8b58db4171cd537e82c4ec3afe8a14330dd61459cc9f262f709d447d77411c"};

// Hex sha256 of a file; std::nullopt when it cannot be read.
std::optional<std::string> sha256_of_file(const std::filesystem::path& file);

// Why dir/model.name must not be loaded (missing, unreadable, wrong checksum),
// or std::nullopt when it is the expected file.
std::optional<std::string> model_file_problem(const std::filesystem::path& dir, const ModelFile& model);

}  // namespace portier
