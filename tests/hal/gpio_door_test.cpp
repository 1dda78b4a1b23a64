#include "hal/gpio_door.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include "tests/hal/fake_gpio_chip.h"

namespace portier {
namespace {

using namespace std::chrono_literals;

// Waits for a condition the door's thread brings about (it samples every few ms).
template <class F>
bool eventually(F&& condition, std::chrono::milliseconds limit = 2000ms) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (condition()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return condition();
}

struct Alerts {
  std::mutex mutex;
  std::vector<std::string> kinds;
  DoorAlertHandler handler() {
    return [this](const std::string& kind, const std::string&) {
      std::lock_guard lock(mutex);
      kinds.push_back(kind);
    };
  }
  bool has(const std::string& kind) {
    std::lock_guard lock(mutex);
    return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
  }
  size_t count(const std::string& kind) {
    std::lock_guard lock(mutex);
    return static_cast<size_t>(std::count(kinds.begin(), kinds.end(), kind));
  }
};

DoorWiring full_wiring() {
  DoorWiring w;
  w.relay = 17;
  w.contact = 27;
  w.exit_button = 22;
  w.green_led = 5;
  w.red_led = 6;
  w.buzzer = 13;
  return w;
}

DoorTimings fast() { return {500ms, 200ms, 100ms, 2ms}; }

TEST(GpioDoor, PulseEnergisesTheRelayForTheHoldThenReleases) {
  test::FakeGpioChip chip;
  Alerts alerts;
  GpioDoor door(chip, full_wiring(), fast(), alerts.handler());
  EXPECT_FALSE(chip.level(17));
  door.pulse(150ms);
  EXPECT_TRUE(chip.level(17)) << "energised at once";
  EXPECT_TRUE(eventually([&] { return !chip.level(17); })) << "released after the hold";
}

TEST(GpioDoor, ActiveLowRelayIsDrivenLowWhenEnergised) {
  test::FakeGpioChip chip;
  auto wiring = full_wiring();
  wiring.relay_active_low = true;
  GpioDoor door(chip, wiring, fast(), nullptr);
  EXPECT_TRUE(chip.level(17)) << "idle = high on an active-low relay board";
  door.pulse(100ms);
  EXPECT_FALSE(chip.level(17));
  EXPECT_TRUE(eventually([&] { return chip.level(17); }));
}

TEST(GpioDoor, ReleaseDeEnergisesAtOnceAndDestructionFreesEveryLine) {
  test::FakeGpioChip chip;
  {
    GpioDoor door(chip, full_wiring(), fast(), nullptr);
    door.pulse(10s);
    door.release();
    EXPECT_FALSE(chip.level(17));
    door.pulse(10s);
  }
  EXPECT_FALSE(chip.level(17)) << "the relay never stays energised after the service";
  for (unsigned line : {17u, 27u, 22u, 5u, 6u, 13u}) EXPECT_FALSE(chip.requested(line)) << line;
}

TEST(GpioDoor, ExitButtonUnlocksAndIsReported) {
  test::FakeGpioChip chip;
  Alerts alerts;
  GpioDoor door(chip, full_wiring(), fast(), alerts.handler());
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(chip.level(17)) << "an idle button (pulled up) does not unlock";
  chip.set_wire(22, false);  // pressed: pulled to ground (active-low)
  EXPECT_TRUE(eventually([&] { return chip.level(17); })) << "exit request unlocks";
  // The door unlocks first and reports after (the visitor should not wait on a
  // handler), so the alert may arrive a moment after the relay.
  EXPECT_TRUE(eventually([&] { return alerts.has("exit_request"); }));
  chip.set_wire(22, true);
  EXPECT_TRUE(eventually([&] { return !chip.level(17); })) << "and locks again after exit_hold";
  EXPECT_EQ(alerts.count("exit_request"), 1u);
}

TEST(GpioDoor, OpeningWithoutAnUnlockIsForced) {
  test::FakeGpioChip chip;
  Alerts alerts;
  GpioDoor door(chip, full_wiring(), fast(), alerts.handler());
  chip.set_wire(27, true);
  EXPECT_TRUE(eventually([&] { return alerts.has("door_forced"); }));
}

TEST(GpioDoor, OpeningAfterAGrantIsNotForcedButHoldingItOpenIsReported) {
  test::FakeGpioChip chip;
  Alerts alerts;
  GpioDoor door(chip, full_wiring(), fast(), alerts.handler());
  door.pulse(100ms);
  chip.set_wire(27, true);
  EXPECT_TRUE(eventually([&] { return alerts.has("door_held_open"); })) << "open past held_open (200 ms)";
  EXPECT_FALSE(alerts.has("door_forced"));
  chip.set_wire(27, false);
  EXPECT_TRUE(eventually([&] { return alerts.has("door_closed"); }));
  EXPECT_EQ(alerts.count("door_held_open"), 1u) << "one alarm per opening";
}

TEST(GpioDoor, CuesLightTheRightLedAndBeep) {
  test::FakeGpioChip chip;
  GpioDoor door(chip, full_wiring(), fast(), nullptr);
  door.show(Cue::Granted);
  EXPECT_TRUE(eventually([&] { return chip.level(5) && chip.level(13); })) << "green and a beep";
  EXPECT_FALSE(chip.level(6));
  door.show(Cue::Denied);
  EXPECT_TRUE(eventually([&] { return chip.level(6) && !chip.level(5); })) << "red replaces green";
  int beeps = 0;
  bool was_on = false;
  const auto end = std::chrono::steady_clock::now() + 1500ms;
  while (std::chrono::steady_clock::now() < end) {
    const bool on = chip.level(13);
    if (on && !was_on) ++beeps;
    was_on = on;
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_GE(beeps, 2) << "three short beeps (the first may start before sampling)";
}

TEST(GpioDoor, PromptsBlinkForTheWaitAndEndWithIt) {
  test::FakeGpioChip chip;
  GpioDoor door(chip, full_wiring(), fast(), nullptr);
  door.prompt(Prompt::Face, 1200ms);
  int green_on = 0, red_on = 0, both = 0;
  bool green_was = false, red_was = false;
  const auto end = std::chrono::steady_clock::now() + 1100ms;
  while (std::chrono::steady_clock::now() < end) {
    const bool green = chip.level(5), red = chip.level(6);
    green_on += green && !green_was;
    red_on += red && !red_was;
    both += green && red;
    green_was = green, red_was = red;
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_GE(green_on, 2) << "green blinks";
  EXPECT_GE(red_on, 2) << "a face is awaited: red in turn with green";
  EXPECT_LT(both, 20) << "in turn, not together";
  EXPECT_TRUE(eventually([&] { return !chip.level(5) && !chip.level(6); })) << "dark when the wait is over";

  door.prompt(Prompt::Card, 5000ms);
  EXPECT_TRUE(eventually([&] { return chip.level(5); }));
  door.show(Cue::Granted);  // the card came: the prompt is cut short
  std::this_thread::sleep_for(600ms);
  EXPECT_TRUE(chip.level(5)) << "green steady, no longer blinking";
  EXPECT_FALSE(chip.level(6));
}

TEST(GpioDoor, ALineHeldByAnotherProcessIsNamed) {
  test::FakeGpioChip chip;
  chip.hold_elsewhere(27);
  try {
    GpioDoor door(chip, full_wiring(), fast(), nullptr);
    FAIL() << "requested a busy line";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("door contact line 27"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(chip.requested(17)) << "lines taken before the failure are given back";
}

TEST(GpioDoor, OnlyTheRelayIsRequired) {
  test::FakeGpioChip chip;
  DoorWiring wiring;
  wiring.relay = 4;
  GpioDoor door(chip, wiring, fast(), nullptr);
  door.show(Cue::Denied);  // no LEDs wired: nothing to do, nothing breaks
  door.pulse(50ms);
  EXPECT_TRUE(chip.level(4));
}

// Runs against every real GPIO chip the machine has (none here: then the
// driver must say so).
TEST(LibgpiodChip, OpensEachRealChipByItsLabel) {
  size_t chips = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/dev", ec)) {
    if (entry.path().filename().string().rfind("gpiochip", 0) != 0) continue;
    ++chips;
  }
  auto missing = open_gpio_chip("no-such-chip-label");
  ASSERT_TRUE(std::holds_alternative<std::string>(missing));
  if (chips == 0) {
    EXPECT_NE(std::get<std::string>(missing).find("no GPIO chip found"), std::string::npos) << std::get<std::string>(missing);
    return;
  }
  // "found: a, b": every listed label opens by that label.
  const auto& why = std::get<std::string>(missing);
  const auto start = why.find("found: ") + 7;
  std::stringstream labels(why.substr(start, why.size() - start - 1));
  for (std::string label; std::getline(labels, label, ',');) {
    label.erase(0, label.find_first_not_of(' '));
    if (label.find('(') != std::string::npos) continue;  // not accessible to this user
    auto chip = open_gpio_chip(label);
    ASSERT_TRUE(std::holds_alternative<std::unique_ptr<GpioChip>>(chip)) << label;
    EXPECT_NE(std::get<std::unique_ptr<GpioChip>>(chip)->describe().find(label), std::string::npos);
  }
}

TEST(LibgpiodChip, NoChipWithThatLabelIsAClearError) {
  auto opened = open_gpio_chip("no-such-chip-label");
  ASSERT_TRUE(std::holds_alternative<std::string>(opened));
  const auto& why = std::get<std::string>(opened);
  EXPECT_TRUE(why.find("no GPIO chip") != std::string::npos) << why;
}

}  // namespace
}  // namespace portier
