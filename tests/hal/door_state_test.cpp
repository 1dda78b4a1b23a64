#include "hal/door_state.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace portier {
namespace {

using namespace std::chrono_literals;

TEST(DoorState, AnUnlockLastsItsHoldAndTheLongestHoldWins) {
  DoorState door;
  EXPECT_FALSE(door.unlocked());
  door.unlocked_for(10s);
  door.unlocked_for(1ms);
  std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(door.unlocked()) << "a short pulse does not cut a long one short";
  DoorState brief;
  brief.unlocked_for(1ms);
  std::this_thread::sleep_for(5ms);
  EXPECT_FALSE(brief.unlocked());
}

TEST(DoorState, TheContactIsUnknownUntilRead) {
  DoorState door;
  EXPECT_EQ(door.door_open(), std::nullopt);
  door.set_door_open(true);
  EXPECT_EQ(door.door_open(), std::optional<bool>(true));
  door.set_door_open(false);
  EXPECT_EQ(door.door_open(), std::optional<bool>(false));
}

TEST(DoorState, TheListenerHearsEveryChangeWithTheRelockTimeOfAnUnlock) {
  DoorState door;
  std::vector<bool> with_relock;
  door.listen([&](std::optional<DoorState::Clock::time_point> relocks_at) { with_relock.push_back(relocks_at.has_value()); });
  const auto before = DoorState::Clock::now();
  door.unlocked_for(3s);
  door.set_door_open(true);
  EXPECT_EQ(with_relock, (std::vector<bool>{true, false}));
  std::optional<DoorState::Clock::time_point> seen;
  door.listen([&](std::optional<DoorState::Clock::time_point> relocks_at) { seen = relocks_at; });
  door.unlocked_for(3s);
  ASSERT_TRUE(seen);
  EXPECT_GE(*seen, before + 3s);
  door.listen({});
  door.set_door_open(false);  // nobody listens: nothing to call
  EXPECT_EQ(with_relock.size(), 2u);
}

// The door's thread, the pipeline's act stage and the console change it at
// once; a listener taken away is not called after listen() returns.
TEST(DoorState, ChangesFromSeveralThreadsAndAListenerTakenAway) {
  DoorState door;
  std::atomic<int> heard{0};
  std::atomic<bool> gone{false}, called_after{false};
  door.listen([&](auto) {
    if (gone.load()) called_after = true;
    heard.fetch_add(1);
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&door, t] {
      for (int i = 0; i < 200; ++i) {
        if (t == 0) door.unlocked_for(1ms);
        else door.set_door_open(i % 2 == 0);
        (void)door.unlocked();
      }
    });
  std::this_thread::sleep_for(1ms);
  door.listen({});
  gone = true;
  for (auto& th : threads) th.join();
  EXPECT_FALSE(called_after.load());
  EXPECT_GT(heard.load(), 0);
}

}  // namespace
}  // namespace portier
