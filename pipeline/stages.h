// The stages of the pipeline, one class each, each declared in its own
// header and implemented in its own .cpp (capture_stage.h and .cpp, ...). A
// stage owns its model and its state, reads one queue and writes the next;
// Pipeline (pipeline.h) wires them and runs each on its own thread. A new
// stage: a header and a .cpp of its own, its queue in pipeline.h, and a line
// here.
//
//   capture -> detect (N workers) -> track+align -> liveness -> embed -> decide -> act
//                                       ^---------------- decided tracks -----------'
#pragma once

#include "pipeline/act_stage.h"
#include "pipeline/capture_stage.h"
#include "pipeline/credential_stage.h"
#include "pipeline/decide_stage.h"
#include "pipeline/detect_stage.h"
#include "pipeline/embed_stage.h"
#include "pipeline/liveness_stage.h"
#include "pipeline/tick_stage.h"
#include "pipeline/track_stage.h"
