// The console's view of the running service (ServiceParts): each part wired
// to what the door service owns. The console only borrows: everything named
// here outlives it.
#pragma once

#include "access/remote_verifier.h"
#include "app/config.h"
#include "app/service_console.h"
#include "hal/door_state.h"
#include "models/texture_stem.h"
#include "pipeline/pipeline.h"

namespace portier {

class BackendLink;

struct ConsoleWiring {
  const Config& config;
  const PipelineOptions& options;  // the verification mode and policy in force
  Pipeline& pipeline;
  AccessGate& gate;               // armed or disarmed face access
  BackendLink* link = nullptr;    // null: no backend; else it keeps and publishes face access
  Relay& relay;                   // the console's unlock button
  const DoorState& door_state;   // the strike and the contact, now
  const RecentDecisions& recent;
  TextureStemWeights stem;  // for the calibration's own liveness model, loaded at the first calibration
};

ServiceParts console_parts(const ConsoleWiring& wiring);

}  // namespace portier
