// The portier binary's contracts: exit codes, one-line errors, JSON output.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "access/gallery.h"
#include "app/config.h"
#include "app/doctor_checks.h"

#include "tests/test_support.h"

namespace portier {
namespace {

std::string last_line(const std::string& text) {
  auto end = text.find_last_not_of('\n');
  auto start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

TEST(Commands, BadConfigExitsTwoNamingTheKey) {
  test::TempDir dir;
  const auto config = test::write_config(dir, "[decision]\nthreshold = 7\n");
  const auto r = test::run_command(test::portier("users list --config " + config.string()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("'decision.threshold' must be between"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
}

TEST(Commands, MissingModelsExitTwoNamingTheFile) {
  test::TempDir dir, empty;
  test::write_file(dir / "c.toml", "[models]\ndir = \"" + empty.path().string() + "\"\n");
  const auto r = test::run_command(test::portier("run --config " + (dir / "c.toml").string()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is missing"), std::string::npos) << r.err;
}

TEST(Commands, UnknownSubcommandIsAUsageError) {
  for (const char* args : {"frobnicate", "", "users list --no-such-flag", "eval pairs --root"}) {
    const auto r = test::run_command(test::portier(args));
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << ": one line: " << r.err;
    EXPECT_EQ(r.err.rfind("portier", 0), 0u) << r.err;
  }
  const auto help = test::run_command(test::portier("users --help"));
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("card"), std::string::npos) << help.out;
}

TEST(Commands, EnrolmentRejectsBadImagesWithReasonsAndWritesNothing) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  test::write_file(dir / "corrupt.jpg", "\xff\xd8\xff garbage");
  cv::Mat blurred;
  cv::GaussianBlur(cv::imread((test::kDataDir / "faces/knn_examples/train/obama/obama.jpg").string()), blurred, {0, 0}, 5);
  cv::imwrite((dir / "blurred.jpg").string(), blurred);
  const auto r = test::run_command(test::portier(
      "enroll --config " + config.string() + " --name nobody " +
      (test::kDataDir / "faces/dlib_examples_faces/dogs.jpg").string() + " " +
      (test::kDataDir / "faces/face_recognition_examples/two_people.jpg").string() + " " +
      (dir / "corrupt.jpg").string() + " " + (dir / "blurred.jpg").string() + " " + (dir / "missing.jpg").string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("dogs.jpg: no face found"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("two_people.jpg: 2 faces found"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("corrupt.jpg is unreadable or not an image"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("blurred.jpg: face is blurred"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("missing.jpg does not exist"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing enrolled"), std::string::npos) << r.err;
  const auto list = test::run_command(test::portier("users list --config " + config.string()));
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_EQ(list.out.find("nobody"), std::string::npos);
}

TEST(Commands, OneFaceCannotBeEnrolledUnderTwoNamesUnlessTheInstallerSaysSo) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  const auto obama = (test::kDataDir / "faces/knn_examples/train/obama/obama.jpg").string();
  ASSERT_EQ(test::run_command(test::portier("enroll --config " + config.string() + " --name obama " + obama)).exit_code, 0);
  auto r = test::run_command(test::portier("enroll --config " + config.string() + " --name impostor " + obama));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("face is already enrolled as 'obama' (distance 0.000 < enroll.duplicate_distance 0.30)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("--allow-duplicate"), std::string::npos) << "says how to enrol a twin: " << r.err;
  // A twin: the installer's word.
  r = test::run_command(test::portier("enroll --allow-duplicate --config " + config.string() + " --name twin " + obama));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("look-alikes of twin: 'obama' (0.000)"), std::string::npos) << r.out;
}

TEST(Commands, ALookAlikeIsEnrolledAndNamedNeverRefused) {
  // NUAA's 0004 and 0006 are two women whom a fixed 0.55 kept apart by
  // refusing the second; now both are enrolled and each names the other.
  test::TempDir dir;
  const auto config = test::write_config(dir);
  const auto nuaa = test::kDataDir / "spoof/nuaa/live";
  auto r = test::run_command(test::portier("enroll --config " + config.string() + " --name nuaa-0004 " +
                                           (nuaa / "0004/0004_01_00_01_297.jpg").string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("look-alikes"), std::string::npos) << "nobody else enrolled yet: " << r.out;
  r = test::run_command(test::portier("enroll --config " + config.string() + " --name nuaa-0006 " +
                                      (nuaa / "0006/0006_00_00_01_42.jpg").string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("look-alikes of nuaa-0006: 'nuaa-0004' (0."), std::string::npos) << r.out;
  const auto show = test::run_command(test::portier("users show nuaa-0006 --config " + config.string()));
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("looks like  'nuaa-0004' (0."), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("accepted only nearer than"), std::string::npos) << show.out;
  const auto doctor = test::run_command(test::portier("doctor --config " + config.string()));
  EXPECT_NE(doctor.out.find("'nuaa-0004' ~ 'nuaa-0006'"), std::string::npos) << doctor.out;
}

TEST(Commands, LookAlikeProtectionNeedsAReaderOrKeypad) {
  test::TempDir dir;
  const auto config = test::write_config(dir, "[access]\nlookalike_second_factor = true\n");
  const auto r = test::run_command(test::portier("users list --config " + config.string()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("'access.lookalike_second_factor'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("set [reader] or [keypad]"), std::string::npos) << r.err;
}

TEST(Commands, APhotoOfSomeoneElseInTheSetIsRejected) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  const auto faces = test::kDataDir / "faces/knn_examples";
  const auto r = test::run_command(test::portier(
      "enroll --config " + config.string() + " --name obama " + (faces / "train/obama/obama.jpg").string() + " " +
      (faces / "train/obama/obama2.jpg").string() + " " + (faces / "test/obama1.jpg").string() + " " +
      (faces / "train/biden/biden.jpg").string()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("biden.jpg: face does not match the other images given for obama"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("3 of 4 images accepted"), std::string::npos) << r.out;
}

// A portier command with one line on its stdin (passwords and PINs are read
// there, never from argv, where `ps` would show them).
test::CommandResult run_with_stdin(const test::TempDir& dir, const std::string& args, const std::string& line) {
  const auto file = dir / "stdin";
  std::ofstream(file) << line << "\n";
  return test::run_command("( " + test::portier(args) + " < " + file.string() + " )");
}

// Joe (Biden's photo) enrolled at the door `config` describes; the start of
// a `users` command for that door.
std::string users_with_joe(const std::filesystem::path& config) {
  const auto biden = (test::kDataDir / "faces/knn_examples/train/biden/biden.jpg").string();
  EXPECT_EQ(test::run_command(test::portier("enroll --config " + config.string() + " --name joe " + biden)).exit_code, 0);
  return "users --config " + config.string() + " ";
}

TEST(Commands, UsersListAndRemove) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  const auto biden = (test::kDataDir / "faces/knn_examples/train/biden/biden.jpg").string();
  ASSERT_EQ(test::run_command(test::portier("enroll --config " + config.string() + " --name joe " + biden)).exit_code, 0);
  auto list = test::run_command(test::portier("users --config " + config.string() + " list"));
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("joe"), std::string::npos);
  EXPECT_EQ(test::run_command(test::portier("users --config " + config.string() + " remove joe")).exit_code, 0);
  const auto again = test::run_command(test::portier("users --config " + config.string() + " remove joe"));
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("no user named 'joe'"), std::string::npos) << again.err;
  list = test::run_command(test::portier("users list --config " + config.string()));
  EXPECT_EQ(list.out.find("joe"), std::string::npos);
}

TEST(Commands, UsersCardAddShowAndRemove) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  const auto biden = (test::kDataDir / "faces/knn_examples/train/biden/biden.jpg").string();
  const auto obama = (test::kDataDir / "faces/knn_examples/train/obama/obama.jpg").string();
  ASSERT_EQ(test::run_command(test::portier("enroll --config " + config.string() + " --name joe " + biden)).exit_code, 0);
  ASSERT_EQ(test::run_command(test::portier("enroll --config " + config.string() + " --name barack " + obama)).exit_code, 0);
  const auto users = "users --config " + config.string() + " ";

  auto r = test::run_command(test::portier(users + "card add joe 04a1b2c3"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("card 04A1B2C3 now opens for joe"), std::string::npos) << "stored as the reader hands it over: " << r.out;
  r = test::run_command(test::portier(users + "card add barack 04A1B2C3"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("card 04A1B2C3 already belongs to 'joe'"), std::string::npos) << r.err;
  r = test::run_command(test::portier(users + "card add nobody 1234"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nobody"), std::string::npos) << r.err;
  r = test::run_command(test::portier(users + "card add joe 12-34"));
  EXPECT_EQ(r.exit_code, 2) << "a number no reader delivers";
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;

  r = test::run_command(test::portier(users + "show joe"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("cards       04A1B2C3"), std::string::npos) << r.out;
  r = test::run_command(test::portier(users + "show barack"));
  EXPECT_NE(r.out.find("cards       none"), std::string::npos) << r.out;

  EXPECT_EQ(test::run_command(test::portier(users + "card remove barack 04A1B2C3")).exit_code, 2) << "not his card";
  EXPECT_EQ(test::run_command(test::portier(users + "card remove joe 04a1b2c3")).exit_code, 0);
  r = test::run_command(test::portier(users + "card add barack 04A1B2C3"));
  EXPECT_EQ(r.exit_code, 0) << "a card taken back may be given to another: " << r.err;
  // Removing the user takes their cards with them.
  EXPECT_EQ(test::run_command(test::portier(users + "remove barack")).exit_code, 0);
  EXPECT_EQ(test::run_command(test::portier(users + "card add joe 04A1B2C3")).exit_code, 0);
}

TEST(Commands, UsersValidSetsWholeDaysShownByShow) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  const auto users = users_with_joe(config);
  auto r = test::run_command(test::portier(users + "show joe"));
  EXPECT_NE(r.out.find("valid       always"), std::string::npos) << r.out;
  r = test::run_command(test::portier(users + "valid joe --from 2026-12-01 --until 2026-12-24"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("joe may enter from 2026-12-01 through 2026-12-24"), std::string::npos) << r.out;
  r = test::run_command(test::portier(users + "show joe"));
  EXPECT_NE(r.out.find("valid       from 2026-12-01 through 2026-12-24"), std::string::npos) << r.out;
  r = test::run_command(test::portier(users + "valid joe --until 2026-13-01"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("valid until: '2026-13-01' is not a day YYYY-MM-DD"), std::string::npos) << r.err;
  EXPECT_EQ(test::run_command(test::portier(users + "valid nobody")).exit_code, 2);
  EXPECT_EQ(test::run_command(test::portier(users + "valid joe")).exit_code, 0);
  r = test::run_command(test::portier(users + "show joe"));
  EXPECT_NE(r.out.find("valid       always"), std::string::npos) << r.out;
}

TEST(Commands, UsersModeSetShowAndClear) {
  test::TempDir dir;
  const auto config = test::write_config(dir);  // a face door, no reader
  const auto users = users_with_joe(config);

  auto r = test::run_command(test::portier(users + "show joe"));
  EXPECT_NE(r.out.find("mode        the door's (face)"), std::string::npos) << r.out;
  r = test::run_command(test::portier(users + "mode joe card+face"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("this door has no [reader]: joe cannot enter here"), std::string::npos) << r.err;
  r = test::run_command(test::portier(users + "show joe"));
  EXPECT_NE(r.out.find("mode        card+face (their own; stricter than the door's face: it applies)"), std::string::npos)
      << r.out;
  r = test::run_command(test::portier(users + "mode joe 'card|face'"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("asks as much as card|face, so the door's applies here"), std::string::npos) << r.err;
  r = test::run_command(test::portier(users + "mode joe face+card"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown mode 'face+card'"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  EXPECT_EQ(test::run_command(test::portier(users + "mode nobody card")).exit_code, 2);
  EXPECT_EQ(test::run_command(test::portier(users + "mode joe none")).exit_code, 0);
  r = test::run_command(test::portier(users + "show joe"));
  EXPECT_NE(r.out.find("mode        the door's (face)"), std::string::npos) << r.out;
}

TEST(Commands, ConsoleUsersAddFromStdinListChangeAndRemove) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  const auto console = "console --config " + config.string() + " user ";
  auto with_stdin = [&](const std::string& line, const std::string& args) {
    return run_with_stdin(dir, console + args, line);
  };
  auto r = with_stdin("a long password", "add ann");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("console admin added: ann"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("the console is off"), std::string::npos) << "says how to turn it on: " << r.err;
  EXPECT_EQ(r.out.find("a long password"), std::string::npos) << "never echoed";
  r = with_stdin("another long one", "add ann");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("exists already"), std::string::npos) << r.err;
  r = with_stdin("short", "add bob");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("at least 10 characters"), std::string::npos) << r.err;
  r = with_stdin("a long password", "add 'bad name'");
  EXPECT_EQ(r.exit_code, 2);
  r = test::run_command(test::portier(console + "list"));
  EXPECT_EQ(r.out, "ann\n");
  EXPECT_EQ(with_stdin("a new long password", "password ann").exit_code, 0);
  EXPECT_EQ(with_stdin("a new long password", "password zed").exit_code, 2);
  EXPECT_EQ(test::run_command(test::portier(console + "remove ann")).exit_code, 0);
  EXPECT_EQ(test::run_command(test::portier(console + "remove ann")).exit_code, 2);
  EXPECT_EQ(test::run_command(test::portier(console + "list")).out, "");
}

TEST(Commands, UsersPinSetFromStdinShowAndRemove) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  const auto users = users_with_joe(config);
  // The PIN comes on stdin, never in argv (where `ps` would show it).
  auto with_stdin = [&](const std::string& line, const std::string& args) {
    return run_with_stdin(dir, users + args, line);
  };
  auto r = with_stdin("2468", "pin set joe");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("PIN of joe set"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("2468"), std::string::npos) << "never echoed";
  r = test::run_command(test::portier(users + "show joe"));
  EXPECT_NE(r.out.find("pin         set\n"), std::string::npos) << r.out;
  r = with_stdin("2468", "pin set joe --duress");
  EXPECT_EQ(r.exit_code, 2) << "the duress PIN must differ from the usual one";
  EXPECT_NE(r.err.find("differ"), std::string::npos) << r.err;
  r = with_stdin("8642", "pin set joe --duress");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = test::run_command(test::portier(users + "show joe"));
  EXPECT_NE(r.out.find("pin         set, and a duress PIN"), std::string::npos) << r.out;
  r = with_stdin("12a4", "pin set joe");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  EXPECT_EQ(r.err.find("12a4"), std::string::npos) << "the error does not repeat what was typed: " << r.err;
  // A PIN typed on the command line by mistake: refused in one line that does not repeat it.
  r = test::run_command(test::portier(users + "pin set joe 4321"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  EXPECT_EQ(r.err.find("4321"), std::string::npos) << "the argument is not echoed: " << r.err;
  EXPECT_NE(r.err.find("never from the command line"), std::string::npos) << r.err;
  r = with_stdin("2468", "pin set nobody");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nobody"), std::string::npos) << r.err;
  EXPECT_EQ(test::run_command(test::portier(users + "pin remove joe")).exit_code, 0);
  EXPECT_EQ(test::run_command(test::portier(users + "pin remove joe")).exit_code, 2) << "nothing left to remove";
  r = test::run_command(test::portier(users + "show joe"));
  EXPECT_NE(r.out.find("pin         none"), std::string::npos) << r.out;
}

TEST(Commands, UsersGroupsAndPolicyCheck) {
  test::TempDir dir;
  const auto policy = dir / "policy.json";
  test::write_file(policy, R"({"version": "7",
    "holiday_groups": {"public": [{"from": "2026-12-25", "to": "2026-12-26"}]},
    "profiles": {"office": {"week": {"mon": ["08:00-12:00", "13:00-18:00"], "tue": ["08:00-18:00"]},
                            "holiday_groups": ["public"]}},
    "groups": {"staff": {"profile": "office"}},
    "door": {"unlocked": [{"profile": "office", "first_in": "staff"}]}})");
  const auto config = test::write_config(dir, "[access]\npolicy_file = \"" + policy.string() + "\"\ntime_zone = \"UTC\"\n");
  const auto users = users_with_joe(config);
  auto r = test::run_command(test::portier(users + "show joe"));
  EXPECT_NE(r.out.find("groups      none"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("enters now  yes"), std::string::npos) << r.out;
  r = test::run_command(test::portier(users + "group add joe staff"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::run_command(test::portier(users + "group add joe staff")).exit_code, 2) << "already in it";
  r = test::run_command(test::portier(users + "group add joe night-shift"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("has no group 'night-shift'"), std::string::npos) << r.err;
  r = test::run_command(test::portier(users + "group add joe 'bad group'"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("group name"), std::string::npos) << r.err;
  r = test::run_command(test::portier(users + "show joe"));
  EXPECT_NE(r.out.find("groups      night-shift, staff"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("enters now  "), std::string::npos) << r.out;
  EXPECT_EQ(test::run_command(test::portier(users + "group remove joe night-shift")).exit_code, 0);
  EXPECT_EQ(test::run_command(test::portier(users + "group remove joe night-shift")).exit_code, 2);

  const auto check = "policy check --config " + config.string() + " ";
  r = test::run_command(test::portier(check + "--at '2026-12-07 12:30'"));  // a Monday, at lunch
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("valid (version 7)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Monday    08:00-12:00, 13:00-18:00"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("holiday 2026-12-25..2026-12-26 closed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("group staff            may not enter"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("door       locked"), std::string::npos) << r.out;
  r = test::run_command(test::portier(check + "--at 2026-12-07T13:00"));
  EXPECT_NE(r.out.find("door       unlocked once a member of staff is granted, for 5 h 00 min (profile office)"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("group staff            may enter"), std::string::npos) << r.out;
  r = test::run_command(test::portier(check + "--at '2026-12-32 10:00'"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is not a local time"), std::string::npos) << r.err;
  const auto broken = dir / "broken.json";
  test::write_file(broken, R"({"profiles": {"x": {"week": {"mon": ["08:00-12:00", "11:00-13:00"]}}}})");
  r = test::run_command(test::portier(check + broken.string()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("profiles.x.week.mon[1]: 11:00-13:00 overlaps 08:00-12:00"), std::string::npos) << r.err;
}

TEST(Commands, PolicyCheckRefusesWhatTheServiceRefuses) {
  // A card+face door in a config with no [reader]: the service cannot start
  // on it, so the check must not call it valid.
  test::TempDir dir;
  const auto policy = dir / "site.json";
  test::write_file(policy, R"({"version": "2026-12-04", "profiles": {"always": {"week": {"mon": ["00:00-24:00"]}}},
                               "door": {"mode": "card+face"}})");
  const auto config = test::write_config(dir);
  auto r = test::run_command(test::portier("policy check --config " + config.string() + " " + policy.string() +
                                           " --at '2026-12-07 10:00'"));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  const std::string problem = "its door mode \"card+face\" needs a card reader: set [reader] type and device";
  EXPECT_NE(r.err.find(problem), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  const auto with_file = test::write_config(dir, "[access]\npolicy_file = \"" + policy.string() + "\"\n");
  r = test::run_command(test::portier("users list --config " + with_file.string()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(problem), std::string::npos) << "the same message as the service's: " << r.err;
}

TEST(Commands, EvalPairsEndsWithTheContractJson) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  const auto r = test::run_command(test::portier("eval pairs --config " + config.string() + " --root " +
                                                 test::kDataDir.string() + " --json " +
                                                 (test::kSourceDir / "bench/shared-faces-pairs.txt").string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(last_line(r.out));
  for (const char* key : {"pairs", "accuracy", "accuracy_std", "tar_at_far_1e-3", "eer", "not_detected", "best_threshold"})
    EXPECT_TRUE(json.contains(key)) << key;
  EXPECT_EQ(json["pairs"], 148);
  EXPECT_GE(json["accuracy"].get<double>(), 0.97);
  EXPECT_EQ(json["not_detected"], 0);
}

TEST(Commands, EvalPairsRefusesABadPairsFile) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  test::write_file(dir / "pairs.txt", "a.jpg b.jpg maybe\n");
  const auto r = test::run_command(test::portier("eval pairs --config " + config.string() + " --root / " +
                                                 (dir / "pairs.txt").string()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("pairs.txt:1"), std::string::npos) << r.err;
}

TEST(Commands, EvalRuleWeighsTheRunnerUpInALargeGallery) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  const auto r = test::run_command(test::portier("eval rule --json --photos 3 --config " + config.string() + " 1 10 840"));
  // Below 100 users (access/acceptance_rule.h) the distance alone decides.
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = nlohmann::json::parse(r.out.substr(r.out.rfind('[')));
  ASSERT_EQ(rows.size(), 3u) << r.out;
  EXPECT_EQ(rows[2]["users"], 840);
  EXPECT_EQ(rows[2]["embeddings"], 2520) << "three photos each";
  EXPECT_TRUE(rows[0]["score_threshold"].is_null()) << "one user: nobody to be the runner-up";
  EXPECT_TRUE(rows[1]["score_threshold"].is_null()) << "10 users: too few for the runner-up to mean much";
  EXPECT_GT(rows[0]["threshold"].get<double>(), rows[1]["threshold"].get<double>());
  EXPECT_TRUE(rows[2]["score_threshold"].is_number()) << rows[2].dump();
  EXPECT_LT(rows[2]["score_threshold"].get<double>(), rows[2]["threshold"].get<double>()) << rows[2].dump();
  for (const auto& row : rows) {
    EXPECT_TRUE(row["derived"].get<bool>()) << "no decision.threshold: the rule follows decision.max_fpir";
    EXPECT_NEAR(row["expected_fpir"].get<double>(), 1e-3, 1e-4) << row.dump();
  }
  EXPECT_LT(rows[0]["expected_fnmr"].get<double>(), rows[1]["expected_fnmr"].get<double>()) << "a price is paid";
  EXPECT_EQ(test::run_command(test::portier("eval rule --config " + config.string() + " 0")).exit_code, 2);
}

TEST(Commands, EvalRuleReadsAnotherPopulationsCurves) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  // A denser population: every impostor point 0.1 nearer than LFW's.
  auto curves = nlohmann::json::parse(test::read_file(test::kSourceDir / "models/data/portier-recognition-curves.json"));
  for (auto& point : curves["impostor"]) point[1] = std::max(0.0, point[1].get<double>() - 0.1);
  test::write_file(dir / "dense.json", curves.dump());
  auto rows_of = [&](const std::string& extra) {
    const auto r = test::run_command(test::portier("eval rule --json --config " + config.string() + extra + " 3"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out.substr(r.out.rfind('[')));
  };
  const auto shipped = rows_of(""), dense = rows_of(" --curves " + (dir / "dense.json").string());
  EXPECT_NEAR(dense[0]["threshold"].get<double>(), shipped[0]["threshold"].get<double>() - 0.1, 1e-6)
      << "the same rate, 0.1 nearer";
  const auto missing = test::run_command(test::portier("eval rule --config " + config.string() + " --curves " +
                                                       (dir / "none.json").string() + " 3"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("none.json cannot be read"), std::string::npos) << missing.err;
}

TEST(Commands, DoctorPassesOnAGoodSetUp) {
  test::TempDir dir;
  const auto config = test::write_config(
      dir, "[camera]\nsource = \"video:" + (test::kDataDir / "video/short_hamilton_clip.mp4").string() + "\"\n");
  const auto r = test::run_command(test::portier("doctor --config " + config.string()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("camera"), std::string::npos);
  EXPECT_NE(r.out.find("640x360 frame read"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("portier-liveness.json: sha256 verified"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fix: fit it to this camera"), std::string::npos) << "an uncalibrated camera is a warning";
  EXPECT_NE(r.out.find("0 failed"), std::string::npos) << r.out;
}

TEST(Commands, DoctorNamesEachFailureWithAFix) {
  test::TempDir dir, empty;
  test::write_file(dir / "c.toml", "[models]\ndir = \"" + empty.path().string() +
                                       "\"\n[camera]\nsource = \"v4l2:/dev/video42\"\n[relay]\ndriver = \"gpio\"\n"
                                       "[gpio]\nchip_label = \"no-such-chip\"\n[gallery]\npath = \"" +
                                       (dir / "g.db").string() + "\"\n");
  const auto r = test::run_command(test::portier("doctor --config " + (dir / "c.toml").string()));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("shape_predictor_5_face_landmarks.dat is missing"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/dev/video42 does not exist"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--source video:FILE or --source images:DIR"), std::string::npos) << "how to go on: " << r.out;
  EXPECT_NE(r.out.find("gpio chip"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fix: run scripts/setup.sh"), std::string::npos) << r.out;
  // Three model files (the CNN one too: enrolment photos fall back on it), the camera, the chip.
  EXPECT_NE(r.out.find("5 failed"), std::string::npos) << r.out;
}

TEST(DoctorChecks, TheRunningServiceMakesDoctorsChecksButNotThoseOfTheDevicesAndLinksItHolds) {
  test::TempDir dir;
  const auto config = load_config(
      test::write_config(dir, "[camera]\nsource = \"video:" + (test::kDataDir / "video/short_hamilton_clip.mp4").string() + "\"\n"),
      ModelCheck::Skip);
  std::vector<std::string> all, running;
  for (const auto& c : doctor_checks(config)) all.push_back(c.name);
  for (const auto& c : running_service_checks(config)) running.push_back(c.name);
  EXPECT_EQ(all, (std::vector<std::string>{"config", "model", "model", "model", "liveness", "camera", "gpio", "gallery",
                                           "recognition", "look-alikes", "backend", "console", "clock", "blas"}))
      << "doctor's order";
  EXPECT_EQ(running, (std::vector<std::string>{"config", "model", "model", "model", "liveness", "gallery", "recognition",
                                               "look-alikes", "console", "clock", "blas"}));
  const auto gallery = running_service_checks(config)[5];
  EXPECT_EQ(gallery.status, DoctorCheck::Status::Warn) << "nobody enrolled";
  EXPECT_NE(gallery.fix.find("portier enroll"), std::string::npos);

  Embedding e{};
  e[0] = 1.0f;
  Gallery(config.gallery_path).enroll("ann", {{e, "ann.jpg"}});
  Gallery(config.gallery_path).enroll("bob", {{e, "bob1.jpg"}, {e, "bob2.jpg"}});
  const auto enrolled = running_service_checks(config)[5];
  EXPECT_EQ(enrolled.status, DoctorCheck::Status::Ok);
  EXPECT_NE(enrolled.detail.find("2 users; 1 enrolled from one photo only"), std::string::npos) << enrolled.detail;
}

TEST(Commands, DoctorNamesLookAlikesAndWhoLacksTheSecondCredentialProtectionAsks) {
  test::TempDir dir;
  const auto file = test::write_config(dir, "[access]\nlookalike_second_factor = true\n"
                                            "[reader]\ntype = \"evdev\"\ndevice = \"/run/portier-reader\"\n");
  const Config config = load_config(file);
  // ann and bea 0.3 apart (a look-alike pair at any gallery size); cat far from both.
  Embedding ann{}, bea{}, cat{};
  ann[0] = 1.0f;
  bea[0] = 1.0f;
  bea[1] = 0.3f;
  cat[2] = 1.0f;
  {
    Gallery g(config.gallery_path);
    g.enroll("ann", {{ann, "ann.jpg"}});
    g.enroll("bea", {{bea, "bea.jpg"}});
    g.enroll("cat", {{cat, "cat.jpg"}});
    g.add_card("ann", "1001");
  }
  auto lookalikes = [&] {
    for (const auto& c : running_service_checks(config))
      if (c.name == "look-alikes") return c;
    return DoctorCheck{};
  };
  auto row = lookalikes();
  EXPECT_EQ(row.status, DoctorCheck::Status::Warn) << row.detail;
  EXPECT_NE(row.detail.find("1 pair: 'ann' ~ 'bea' (0.300)"), std::string::npos) << row.detail;
  EXPECT_NE(row.detail.find("'bea' cannot enter by face: no card or PIN"), std::string::npos) << "ann holds a card";
  EXPECT_NE(row.fix.find("portier users card add"), std::string::npos);
  Gallery(config.gallery_path).add_card("bea", "2002");
  row = lookalikes();
  EXPECT_EQ(row.status, DoctorCheck::Status::Ok) << row.detail;
  EXPECT_NE(row.detail.find("a card or PIN as well"), std::string::npos) << row.detail;
}

TEST(Commands, RunWithoutACameraSaysHowToTryTheDoorWithout) {
  test::TempDir dir;
  const auto config = test::write_config(dir, "[camera]\nsource = \"v4l2:/dev/video42\"\n");
  const auto r = test::run_command(test::portier("run --config " + config.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  EXPECT_NE(r.err.find("camera device /dev/video42 does not exist; no camera here? try the door on recorded frames: "
                       "--source video:FILE or --source images:DIR"),
            std::string::npos) << r.err;
}

TEST(Commands, RunWithAMissingSourceFailsClearly) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  const auto r = test::run_command(test::portier("run --config " + config.string() + " --source images:/no/such/dir"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("image folder /no/such/dir does not exist"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace portier
