#include "app/doctor_checks.h"

#include <sys/timex.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "access/gallery.h"
#include "access/lookalikes.h"
#include "app/command_context.h"
#include "console/admin_accounts.h"
#include "console/tls_identity.h"
#include "app/recognition_setup.h"
#include "app/liveness_setup.h"
#include "backend-client/https_client.h"
#include "backend-client/mqtt_link.h"
#include "backend-client/outbox.h"
#include "hal/gpio_chip.h"
#include "models/model_files.h"

extern "C" void openblas_set_num_threads(int) __attribute__((weak));

namespace portier {
namespace {

using Status = DoctorCheck::Status;
using Check = DoctorCheck;

Check check_model(const Config& c, const ModelFile& m) {
  if (auto problem = model_file_problem(c.models.dir, m))
    return {"model", Status::Fail, *problem, "run scripts/setup.sh (installs and verifies the models)"};
  return {"model", Status::Ok, std::string(m.name) + ": sha256 verified", ""};
}

Check check_liveness(const Config& c) {
  if (!c.liveness.enabled)
    return {"liveness", Status::Warn, "disabled: a photo of an enrolled user opens the door",
            "set liveness.enabled = true"};
  if (model_file_problem(c.models.dir, kResnetModel)) {
    // Liveness reads its texture filters from the ResNet file; that it is
    // missing is one failure, reported once by the model check.
    auto loaded = load_liveness_model(c.liveness.model, c.liveness.model_sha256);
    if (auto* why = std::get_if<std::string>(&loaded))
      return {"liveness", Status::Fail, *why, "reinstall the package, or fix liveness.model and liveness.model_sha256"};
    return {"liveness", Status::Warn, c.liveness.model.string() + ": sha256 verified; cannot run without the ResNet model file (above)",
            "run scripts/setup.sh (installs and verifies the models)"};
  }
  try {
    const auto setup = load_liveness(c);
    if (setup.model->site) {
      const auto sha = sha256_of_file(c.liveness.site_model_file).value_or("?");
      return {"liveness", Status::Ok,
              fmt::format("site model {} (sha256 {}{}), threshold {:.3f} from the {}", c.liveness.site_model_file.string(),
                          sha.substr(0, 16), c.liveness.site_model_sha256.empty() ? ", not pinned" : ", pinned",
                          setup.threshold, setup.threshold_source),
              ""};
    }
    const bool calibrated = setup.threshold_source.rfind("calibration", 0) == 0;
    return {"liveness", calibrated ? Status::Ok : Status::Warn,
            fmt::format("{}: sha256 verified, threshold {:.3f} from the {}", c.liveness.model.string(), setup.threshold,
                        setup.threshold_source),
            calibrated || c.liveness.threshold ? ""
                                               : "fit it to this camera: portier liveness capture, then liveness adapt "
                                                 "(docs/liveness.md), or at least portier liveness calibrate"};
  } catch (const std::exception& e) {
    return {"liveness", Status::Fail, e.what(), "reinstall the package, or fix liveness.model and liveness.model_sha256"};
  }
}

Check check_camera(const Config& c) {
  auto opened = open_camera(c.camera_source, CameraOptions{.pace_files = false});
  if (auto* why = std::get_if<std::string>(&opened)) {
    std::string fix = "check the cable and camera.source (v4l2-ctl --list-devices lists cameras)";
    if (const auto hint = without_camera_hint(c.camera_source); !hint.empty()) fix += "; " + hint + " (portier run)";
    return {"camera", Status::Fail, *why, fix};
  }
  auto& camera = *std::get<std::unique_ptr<Camera>>(opened);
  auto frame = camera.read();
  if (!frame)
    return {"camera", Status::Fail, c.camera_source + " opened but gave no frame: " + camera.error(),
            "another process may hold the camera; stop it, or replug the camera"};
  return {"camera", Status::Ok, fmt::format("{}: {}x{} frame read", c.camera_source, frame->bgr.cols, frame->bgr.rows), ""};
}

std::vector<Check> check_gpio(const Config& c) {
  if (c.relay_driver != RelayDriver::Gpio)
    return {{"gpio", Status::Warn, "relay.driver = \"simulated\": the door is not driven",
             "on the Pi set relay.driver = \"gpio\" and the [gpio] lines"}};
  auto opened = open_gpio_chip(c.gpio_chip_label);
  if (auto* why = std::get_if<std::string>(&opened))
    return {{"gpio chip", Status::Fail, *why, "set gpio.chip_label to a label `gpiodetect` lists"}};
  auto& chip = *std::get<std::unique_ptr<GpioChip>>(opened);
  std::vector<Check> checks{{"gpio chip", Status::Ok, chip.describe(), ""}};
  auto try_line = [&](const std::string& name, std::optional<unsigned> line, bool output) {
    if (!line) return;
    try {
      // Requested and released at once; an output starts inactive, so a
      // check never opens the door.
      if (output) chip.request_output(*line, false, false, name);
      else chip.request_input(*line, false, Bias::AsIs, name);
      checks.push_back({name + " line", Status::Ok, fmt::format("line {} available", *line), ""});
    } catch (const std::exception& e) {
      checks.push_back({name + " line", Status::Fail, e.what(), "fix the line number, or stop the process that holds it"});
    }
  };
  try_line("relay", c.door.relay, true);
  try_line("door contact", c.door.contact, false);
  try_line("exit button", c.door.exit_button, false);
  try_line("green LED", c.door.green_led, true);
  try_line("red LED", c.door.red_led, true);
  try_line("buzzer", c.door.buzzer, true);
  return checks;
}

// A Wiegand reader's D0/D1: requested for edges and released, as the service would.
std::vector<Check> check_wiegand(const Config& c) {
  if (c.reader.type != ReaderType::Wiegand) return {};
  auto opened = open_gpio_chip(c.gpio_chip_label);
  if (auto* why = std::get_if<std::string>(&opened))
    return {{"wiegand reader", Status::Fail, *why, "set gpio.chip_label to a label `gpiodetect` lists"}};
  auto& chip = *std::get<std::unique_ptr<GpioChip>>(opened);
  const auto& w = c.reader.wiegand;
  try {
    chip.request_falling_edges({w.d0_line, w.d1_line}, Bias::PullUp, "wiegand D0/D1");
    return {{"wiegand reader", Status::Ok,
             fmt::format("D0 line {} and D1 line {} available on {}, {}-bit cards", w.d0_line, w.d1_line,
                         chip.describe(), w.format.card_bits), ""}};
  } catch (const std::exception& e) {
    return {{"wiegand reader", Status::Fail, e.what(), "fix reader.d0_line/d1_line, or stop the process that holds them"}};
  }
}

Check check_gallery(const Config& c) {
  try {
    Gallery gallery(c.gallery_path);
    const auto users = gallery.users();
    if (users.empty())
      return {"gallery", Status::Warn, c.gallery_path.string() + ": no users enrolled", "portier enroll --name NAME PHOTO..."};
    // One photo finds a user less often than two or three: measured on LFW
    // DevTest (docs/recognition.md, "How many photos to enrol").
    const auto one_photo = static_cast<size_t>(
        std::count_if(users.begin(), users.end(), [](const Gallery::UserSummary& u) { return u.embeddings == 1; }));
    auto detail = fmt::format("{}: {} users", c.gallery_path.string(), users.size());
    if (one_photo > 0)
      detail += fmt::format("; {} enrolled from one photo only: a second and a third, with another pose or light, "
                            "let them in more often (portier enroll --name NAME MORE.jpg adds photos)",
                            one_photo);
    return {"gallery", Status::Ok, detail, ""};
  } catch (const std::exception& e) {
    return {"gallery", Status::Fail, e.what(), "check gallery.path and that the service user can write its folder"};
  }
}

// Whether face-only access can keep decision.max_fpir for the users enrolled:
// a stranger's chance of falling near somebody grows with every embedding.
Check check_recognition(const Config& c) {
  GallerySize gallery;
  try {
    const auto index = Gallery(c.gallery_path).load_index();
    gallery = {index.users(), index.size()};
  } catch (const std::exception&) {
    // The gallery row says what is wrong with it.
  }
  std::optional<RecognitionSetup> setup;
  try {
    setup.emplace(c);
  } catch (const std::exception& e) {
    return {"recognition", Status::Fail, e.what(), "reinstall portier: the curves file ships with it"};
  }
  const auto rule = setup->rule_for(gallery);
  const auto detail = fmt::format("{} for {} users with {} embeddings: ~{:.2g} of strangers taken for a user per attempt, "
                                  "~{:.0f}% of a user's frames refused (LFW development curves)",
                                  describe_rule(rule), gallery.users, gallery.embeddings, rule.expected_fpir,
                                  100.0 * rule.expected_fnmr);
  if (!rule.derived && rule.expected_fpir > c.recognition.max_fpir)
    return {"recognition", Status::Warn, detail + fmt::format("; above decision.max_fpir {:.2g}", c.recognition.max_fpir),
            "remove decision.threshold so the rule follows the gallery, or ask for a card with the face (card+face)"};
  if (rule.derived && rule.expected_fnmr > 0.25)
    return {"recognition", Status::Warn,
            detail + fmt::format("; with {} users the face alone cannot keep decision.max_fpir {:.2g} without "
                                 "refusing many of them",
                                 gallery.users, c.recognition.max_fpir),
            "ask for a card with the face (card+face: 1:1 against the card's owner), or raise decision.max_fpir knowingly"};
  return {"recognition", Status::Ok, detail, ""};
}

// Enrolled users dlib's descriptor places close together: the door narrows
// their radius (access/lookalikes.h); with access.lookalike_second_factor it
// also asks them for a card or PIN, which each must then have.
Check check_lookalikes(const Config& c) {
  try {
    Gallery gallery(c.gallery_path);
    AccessDirectory directory = gallery.load_directory();
    const auto found = RecognitionSetup(c).lookalikes_in(directory.faces);
    const auto pairs = found.pairs();
    if (pairs.empty())
      return {"look-alikes", Status::Ok,
              fmt::format("none: no two enrolled users nearer each other than {:.3f}", lookalike_distance(found.rule)), ""};
    std::string list;
    for (size_t i = 0; i < pairs.size() && i < 5; ++i) list += (i ? ", " : "") + describe_pair(pairs[i]);
    if (pairs.size() > 5) list += fmt::format(" and {} more", pairs.size() - 5);
    std::string detail = fmt::format("{} pair{}: {}; each accepted only nearer than {:.2f} x the distance to their look-alike",
                                     pairs.size(), pairs.size() == 1 ? "" : "s", list, kLookAlikeShrink);
    if (!c.lookalike_second_factor)
      return {"look-alikes", Status::Ok,
              detail + " (access.lookalike_second_factor = true would also ask them for a card or PIN)", ""};
    require_second_factor(directory, found.rule, c.reader.type != ReaderType::None, takes_pins(c));
    const auto lacking = lookalikes_without_second_factor(directory, found.nearest);
    detail += "; a card or PIN as well (access.lookalike_second_factor)";
    if (lacking.empty()) return {"look-alikes", Status::Ok, detail, ""};
    std::string names;
    for (const auto& n : lacking) names += (names.empty() ? "'" : ", '") + n + "'";
    return {"look-alikes", Status::Warn, detail + "; " + names + " cannot enter by face: no card or PIN",
            "give them one: portier users card add NAME CARD, or portier users pin set NAME"};
  } catch (const std::exception&) {
    return {"look-alikes", Status::Warn, "not checked: the gallery or the curves cannot be read (see their rows)", ""};
  }
}

std::vector<Check> check_backend(const Config& c) {
  std::vector<Check> checks;
  if (!c.backend.enabled()) {
    checks.push_back({"backend", Status::Warn, "not configured: events stay on this device (stdout, journal)",
                      "set backend.url and/or mqtt.url (docs/protocol.md)"});
    return checks;
  }
  if (!c.backend.https.url.empty()) {
    auto options = https_options(c.backend.https);
    if (auto* why = std::get_if<std::string>(&options)) {
      checks.push_back({"backend", Status::Fail, *why, "put the device's token in backend.token_file"});
    } else {
      HttpsClient client(std::get<HttpsOptions>(options));
      auto answer = client.get("/api/health", std::chrono::seconds(5), 4096);
      if (auto* why = std::get_if<std::string>(&answer))
        checks.push_back({"backend", Status::Fail, *why,
                          "check backend.url, the network, and that backend.ca_file is the CA of the server's certificate"});
      else if (const long s = std::get<HttpResponse>(answer).status; s == 401 || s == 403)
        checks.push_back({"backend", Status::Fail, fmt::format("{} refused the token (HTTP {})", c.backend.https.url, s),
                          "put this device's token in backend.token_file"});
      else if (s >= 200 && s < 300)
        checks.push_back({"backend", Status::Ok, c.backend.https.url + ": TLS verified, token accepted", ""});
      else
        checks.push_back({"backend", Status::Warn, fmt::format("{}/api/health answered HTTP {}", c.backend.https.url, s),
                          "the backend is reachable but unwell"});
    }
  }
  if (!c.backend.mqtt.url.empty()) {
    // Its own client id: the service's session must not be kicked off the broker.
    MqttOptions m = mqtt_options(c.backend.mqtt);
    m.client_id += "-doctor";
    std::string lost;
    MqttLink link(m, MqttLink::Handlers{{}, [&lost](const std::string& why) { lost = why; }, {}});
    link.start();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(8);
    while (!link.connected() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (link.connected())
      checks.push_back({"broker", Status::Ok, c.backend.mqtt.url + ": mutual TLS accepted", ""});
    else
      checks.push_back({"broker", Status::Fail, c.backend.mqtt.url + ": no connection in 8 s" + (lost.empty() ? "" : ": " + lost),
                        "check mqtt.url, the network, mqtt.ca_file, and that the broker trusts mqtt.cert_file"});
    link.stop();
    if (c.backend.mqtt.command_key_file.empty())
      checks.push_back({"commands", Status::Warn, "no mqtt.command_key_file: remote unlock and the others are refused",
                        "set mqtt.command_key_file to the key the backend signs commands with"});
  }
  try {
    Outbox outbox(c.backend.outbox.path, c.backend.sinks(), c.backend.outbox.max_events);
    const auto waiting = outbox.size();
    checks.push_back({"outbox", waiting == 0 ? Status::Ok : Status::Warn,
                      fmt::format("{}: {} events waiting (cap {})", outbox.file().string(), waiting, outbox.max_events()),
                      waiting == 0 ? "" : "they go once the backend and broker are reachable (portier backend flush)"});
  } catch (const std::exception& e) {
    checks.push_back({"outbox", Status::Fail, e.what(), "check outbox.path and that the service user can write its folder"});
  }
  return checks;
}

Check check_console(const Config& c) {
  if (!c.console.enabled) return {"console", Status::Ok, "off ([console] enabled = false)", ""};
  std::filesystem::path cert = c.console.cert_file;
  if (cert.empty()) {
    // The service makes the pair at its first start; doctor may run before.
    auto made = ensure_self_signed(c.state_dir(), c.device_id);
    if (auto* why = std::get_if<std::string>(&made))
      return {"console", Status::Fail, "no certificate: " + *why, "check that " + c.state_dir().string() + " is writable"};
    cert = std::get<TlsIdentity>(made).cert_file;
  }
  std::string error;
  const std::string fingerprint = certificate_fingerprint(cert, &error);
  if (fingerprint.empty()) return {"console", Status::Fail, error, "fix console.cert_file, or empty it for a self-signed one"};
  size_t admins = 0;
  try {
    admins = AdminAccounts(c.state_dir() / "console.db").count();
  } catch (const std::exception& e) {
    return {"console", Status::Fail, e.what(), "check " + c.state_dir().string()};
  }
  const std::string where = fmt::format("https://{}:{}/, certificate {} (check it against what the browser shows)",
                                        c.console.address, c.console.port, fingerprint);
  if (admins == 0)
    return {"console", Status::Warn, where + "; no admin account", "portier console user add NAME"};
  return {"console", Status::Ok, fmt::format("{}; {} admin account{}", where, admins, admins == 1 ? "" : "s"), ""};
}

Check check_clock() {
  timex tx{};
  const int state = ntp_adjtime(&tx);
  if (state == TIME_ERROR)
    return {"clock", Status::Warn, "system clock is not synchronised: event times and certificate checks may be wrong",
            "enable NTP: timedatectl set-ntp true"};
  return {"clock", Status::Ok, "synchronised", ""};
}

Check check_blas() {
  if (!openblas_set_num_threads)
    return {"blas", Status::Warn, "reference BLAS in use: the embedding is ~15x slower",
            "apt install libopenblas0-pthread"};
  return {"blas", Status::Ok, "OpenBLAS", ""};
}

}  // namespace

const char* mark(DoctorCheck::Status status) {
  return status == Status::Ok ? "ok" : status == Status::Warn ? "warn" : "FAIL";
}

std::vector<DoctorCheck> running_service_checks(const Config& c) {
  std::vector<Check> checks{{"config", Status::Ok, c.file.string() + " is valid", ""}};
  checks.push_back(check_model(c, kShapePredictorModel));
  checks.push_back(check_model(c, kResnetModel));
  if (c.models.detector == DetectorKind::Mmod || c.models.still_fallback) checks.push_back(check_model(c, kMmodModel));
  checks.push_back(check_liveness(c));
  checks.push_back(check_gallery(c));
  checks.push_back(check_recognition(c));
  checks.push_back(check_lookalikes(c));
  checks.push_back(check_console(c));
  checks.push_back(check_clock());
  checks.push_back(check_blas());
  return checks;
}

std::vector<DoctorCheck> doctor_checks(const Config& c) {
  auto checks = running_service_checks(c);
  std::vector<Check> devices{check_camera(c)};
  for (auto& g : check_gpio(c)) devices.push_back(std::move(g));
  for (auto& g : check_wiegand(c)) devices.push_back(std::move(g));
  // In doctor's order: the devices after the liveness model, the links after recognition's rows.
  const auto after_liveness = std::find_if(checks.begin(), checks.end(), [](const Check& x) { return x.name == "liveness"; });
  checks.insert(after_liveness + 1, devices.begin(), devices.end());
  const auto after_recognition =
      std::find_if(checks.begin(), checks.end(), [](const Check& x) { return x.name == "look-alikes"; });
  auto links = check_backend(c);
  checks.insert(after_recognition + 1, links.begin(), links.end());
  return checks;
}

}  // namespace portier
