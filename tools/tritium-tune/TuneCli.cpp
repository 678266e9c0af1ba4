//===- TuneCli.cpp - The tritium-tune command line, testable core ---------===//

#include "TuneCli.h"

#include "tritium/Runtime/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <map>
#include <ostream>
#include <sstream>

namespace tritium::tune::cli {

using nlohmann::json;

std::string usageText() {
  return R"(usage:
  tritium-tune TARGET... [options]
      tune each target's kernels, print every config's time, store the winners
  tritium-tune --space FILE [--shape NAME=VALUE]... [--json]
      check a config space; given the key's values, show which configs the
      prune rule keeps (needs no GPU)
  tritium-tune --list-targets
      the targets this build can tune

options:
  --json             print the results as JSON on stdout instead of tables
  --no-store         do not record the winners
  --cache-dir DIR    the cache root (default: $TRITIUM_CACHE_DIR, else
                     $XDG_CACHE_HOME/tritium, else $HOME/.cache/tritium);
                     winners go to DIR/tune/
  --device N         CUDA device ordinal (default 0)
  --arch ARCH        code generation target, e.g. sm_90a (default: the device's)
  --threads N        threads compiling configs (default: one per core)
  --warmup-ms MS     untimed runs per config, in milliseconds (default 25)
  --measure-ms MS    timed runs per config, in milliseconds (default 100)
  --no-flush-l2      keep L2 warm between timed runs (default: flushed)
  --no-progress      no progress on stderr
  --help             this text
)";
}

namespace {

struct Options {
  std::vector<std::string> targets;
  std::string spaceFile;
  std::map<std::string, std::int64_t> shapes;
  bool listTargets = false;
  bool json = false;
  bool store = true;
  bool progress = true;
  std::optional<std::filesystem::path> cacheDir;
  TargetOptions target;
  TunerOptions tuner;
};

struct UsageError {
  std::string message;
};

std::int64_t parseInteger(const std::string &text, const std::string &what) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used, 0);
  } catch (const std::exception &) {
    used = 0;
  }
  if (used == 0 || used != text.size())
    throw UsageError{what + ": expected an integer, got '" + text + "'"};
  return value;
}

double parseMilliseconds(const std::string &text, const std::string &what) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception &) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(value) || value <= 0)
    throw UsageError{what +
                     ": expected a positive number of milliseconds, "
                     "got '" +
                     text + "'"};
  return value;
}

Options parseArguments(const std::vector<std::string> &args) {
  Options options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> inlineValue;
    if (arg.rfind("--", 0) == 0) {
      if (auto equals = arg.find('='); equals != std::string::npos) {
        inlineValue = arg.substr(equals + 1);
        arg = arg.substr(0, equals);
      }
    }
    auto value = [&]() -> std::string {
      if (inlineValue)
        return *inlineValue;
      if (i + 1 >= args.size())
        throw UsageError{arg + " needs a value"};
      return args[++i];
    };
    auto flag = [&] {
      if (inlineValue)
        throw UsageError{arg + " takes no value"};
    };

    if (arg == "--help" || arg == "-h") {
      flag();
      throw UsageError{""};
    } else if (arg == "--json") {
      flag();
      options.json = true;
    } else if (arg == "--no-store") {
      flag();
      options.store = false;
    } else if (arg == "--no-progress") {
      flag();
      options.progress = false;
    } else if (arg == "--no-flush-l2") {
      flag();
      options.tuner.flushL2 = false;
    } else if (arg == "--list-targets") {
      flag();
      options.listTargets = true;
    } else if (arg == "--space") {
      options.spaceFile = value();
    } else if (arg == "--shape") {
      std::string assignment = value();
      auto equals = assignment.find('=');
      if (equals == std::string::npos || equals == 0)
        throw UsageError{"--shape: expected NAME=VALUE, got '" + assignment +
                         "'"};
      std::string name = assignment.substr(0, equals);
      options.shapes[name] =
          parseInteger(assignment.substr(equals + 1), "--shape " + name);
    } else if (arg == "--cache-dir") {
      options.cacheDir = value();
    } else if (arg == "--device") {
      std::int64_t device = parseInteger(value(), "--device");
      if (device < 0 || device > 1024)
        throw UsageError{"--device: expected a device ordinal"};
      options.target.device = static_cast<int>(device);
    } else if (arg == "--arch") {
      options.target.arch = value();
    } else if (arg == "--threads") {
      std::int64_t threads = parseInteger(value(), "--threads");
      if (threads < 1 || threads > 1024)
        throw UsageError{"--threads: expected between 1 and 1024"};
      options.tuner.compileThreads = static_cast<unsigned>(threads);
    } else if (arg == "--warmup-ms") {
      options.tuner.warmupMilliseconds = parseMilliseconds(value(), arg);
    } else if (arg == "--measure-ms") {
      options.tuner.measureMilliseconds = parseMilliseconds(value(), arg);
    } else if (arg.rfind("-", 0) == 0 && arg.size() > 1) {
      throw UsageError{"unknown option '" + arg + "'"};
    } else {
      options.targets.push_back(arg);
    }
  }
  if (!options.shapes.empty() && options.spaceFile.empty())
    throw UsageError{"--shape goes with --space (a target knows its shapes)"};
  int modes = !options.targets.empty() + !options.spaceFile.empty() +
              options.listTargets;
  if (modes == 0)
    throw UsageError{"nothing to do: name a target, or --space FILE, or "
                     "--list-targets"};
  if (modes > 1)
    throw UsageError{"give either targets, --space FILE or --list-targets"};
  return options;
}

// Formats microseconds for the table.
std::string microseconds(double value) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(value < 100 ? 2 : 1) << value;
  return text.str();
}

std::string ratio(double value) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(2) << value << "x";
  return text.str();
}

json constexprJson(const ConstexprValue &value) {
  return std::visit([](const auto &v) { return json(v); }, value);
}

json configJson(const Config &config) {
  json kwargs = json::object();
  for (const auto &[name, value] : config.kwargs)
    kwargs[name] = constexprJson(value);
  json result = {{"kwargs", kwargs},
                 {"num_warps", config.numWarps},
                 {"num_stages", config.numStages}};
  if (config.maxRegisters)
    result["maxnreg"] = *config.maxRegisters;
  return result;
}

json keyJson(const KeyValues &key) {
  json result = json::object();
  for (const auto &[name, value] : key)
    result[name] = value;
  return result;
}

// A fixed-width text table; the last column is left unpadded.
class Table {
public:
  explicit Table(std::vector<std::string> header) {
    rows.push_back(std::move(header));
  }
  void add(std::vector<std::string> row) { rows.push_back(std::move(row)); }
  void print(std::ostream &out, const std::vector<bool> &rightAligned) const {
    std::vector<std::size_t> widths(rows.front().size(), 0);
    for (const auto &row : rows)
      for (std::size_t c = 0; c < row.size(); ++c)
        widths[c] = std::max(widths[c], row[c].size());
    for (const auto &row : rows) {
      std::string line;
      for (std::size_t c = 0; c < row.size(); ++c) {
        bool last = c + 1 == row.size();
        std::size_t pad = widths[c] - row[c].size();
        if (c)
          line += "  ";
        if (rightAligned[c])
          line += std::string(pad, ' ') + row[c];
        else
          line += last ? row[c] : row[c] + std::string(pad, ' ');
      }
      while (!line.empty() && line.back() == ' ')
        line.pop_back();
      out << line << "\n";
    }
  }

private:
  std::vector<std::vector<std::string>> rows;
};

// Draws the tuner's progress on stderr: a bar redrawn in place on a
// terminal, else one line when each phase ends (logs stay readable).
class ProgressReporter {
public:
  ProgressReporter(std::ostream &err, bool bar, bool enabled, std::string label)
      : err(err), bar(bar), enabled(enabled), label(std::move(label)) {}

  void operator()(const TuneProgress &step) {
    if (!enabled)
      return;
    if (step.done == 1)
      phaseStart = std::chrono::steady_clock::now();
    if (step.finished && step.finished->status != ConfigStatus::Timed)
      ++dropped;
    const char *phase =
        step.phase == TuneProgress::Phase::Compile ? "compiling" : "timing";
    if (bar) {
      constexpr std::size_t width = 30;
      std::size_t filled = step.total ? width * step.done / step.total : width;
      err << "\r" << label << " " << phase << " [" << std::string(filled, '#')
          << std::string(width - filled, '.') << "] " << step.done << "/"
          << step.total << "\x1b[K";
      if (step.done == step.total)
        err << "\n";
      err.flush();
    }
    if (step.done == step.total) {
      double seconds = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - phaseStart)
                           .count();
      if (!bar) {
        err << label << ": "
            << (step.phase == TuneProgress::Phase::Compile ? "compiled "
                                                           : "timed ")
            << step.total << " configs in " << std::fixed
            << std::setprecision(2) << seconds << " s";
        if (dropped)
          err << " (" << dropped << " dropped)";
        err << "\n";
      }
      dropped = 0;
    }
  }

private:
  std::ostream &err;
  bool bar;
  bool enabled;
  std::string label;
  std::size_t dropped = 0;
  std::chrono::steady_clock::time_point phaseStart =
      std::chrono::steady_clock::now();
};

// Timed configs fastest first, then the dropped ones in the space's order.
std::vector<std::size_t> tableOrder(const TuningResult &result) {
  std::vector<std::size_t> order(result.configs.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) {
    const ConfigResult &x = result.configs[a], &y = result.configs[b];
    bool xTimed = x.status == ConfigStatus::Timed;
    bool yTimed = y.status == ConfigStatus::Timed;
    if (xTimed != yTimed)
      return xTimed;
    return xTimed && x.medianMicroseconds < y.medianMicroseconds;
  });
  return order;
}

std::string describeFor(const TuneSession &session, const Config &config) {
  return session.describeConfig ? session.describeConfig(config)
                                : config.describe();
}

void printResultTable(std::ostream &out, const TuneSession &session,
                      const TuningResult &result,
                      const std::optional<std::filesystem::path> &storedAt) {
  out << session.key.kernelName << " [" << describeKey(session.key.keyValues)
      << "] on " << session.key.deviceName << " (" << session.key.arch << ")\n";
  std::optional<double> defaultMedian;
  if (result.defaultResult &&
      result.configs[*result.defaultResult].status == ConfigStatus::Timed)
    defaultMedian = result.configs[*result.defaultResult].medianMicroseconds;

  Table table({"", "config", "status", "median us", "min us", "runs",
               "vs default", "note"});
  for (std::size_t index : tableOrder(result)) {
    const ConfigResult &entry = result.configs[index];
    std::string mark = result.winner == index ? "*" : "";
    std::string config = describeFor(session, entry.config) +
                         (entry.isDefault ? " (default)" : "");
    if (entry.status == ConfigStatus::Timed) {
      std::string versus =
          defaultMedian && entry.medianMicroseconds > 0
              ? ratio(*defaultMedian / entry.medianMicroseconds)
              : "";
      std::string note;
      if (entry.usage && entry.usage->registers)
        note = std::to_string(*entry.usage->registers) + " regs, ";
      if (entry.usage)
        note += std::to_string(entry.usage->sharedBytes) + " B smem";
      table.add({mark, config, statusName(entry.status),
                 microseconds(entry.medianMicroseconds),
                 microseconds(entry.minMicroseconds),
                 std::to_string(entry.samplesMicroseconds.size()), versus,
                 note});
    } else {
      table.add({mark, config, statusName(entry.status), "-", "-", "-", "",
                 entry.reason});
    }
  }
  table.print(out, {false, false, false, true, true, true, true, false});

  if (!result.winner) {
    out << "no config could be timed; the default ("
        << describeFor(session, session.space.defaultConfig())
        << ") stays in use\n\n";
    return;
  }
  const ConfigResult &winner = result.configs[*result.winner];
  out << "winner: " << describeFor(session, winner.config) << ", "
      << microseconds(winner.medianMicroseconds) << " us";
  if (auto speedup = result.speedupOverDefault())
    out << ", " << ratio(*speedup) << " over the default ("
        << microseconds(*defaultMedian) << " us)";
  out << "\n";
  if (storedAt)
    out << "stored: " << storedAt->string() << "\n";
  out << "\n";
}

json resultJson(const TuneSession &session, const TuningResult &result,
                const std::optional<std::filesystem::path> &storedAt) {
  json configs = json::array();
  for (const ConfigResult &entry : result.configs) {
    json item = {{"config", configJson(entry.config)},
                 {"is_default", entry.isDefault},
                 {"status", statusName(entry.status)},
                 {"reason", entry.reason},
                 {"compile_ms", entry.compileMilliseconds}};
    if (entry.usage) {
      item["shared_bytes"] = entry.usage->sharedBytes;
      if (entry.usage->registers)
        item["registers"] = *entry.usage->registers;
    }
    if (entry.status == ConfigStatus::Timed) {
      item["median_us"] = entry.medianMicroseconds;
      item["min_us"] = entry.minMicroseconds;
      item["runs"] = entry.samplesMicroseconds.size();
    }
    configs.push_back(item);
  }
  json document = {{"kernel", session.key.kernelName},
                   {"kernel_hash", session.key.kernelHash},
                   {"key", keyJson(session.key.keyValues)},
                   {"device", session.key.deviceName},
                   {"arch", session.key.arch},
                   {"default", configJson(session.space.defaultConfig())},
                   {"winner", nullptr},
                   {"configs", configs},
                   {"stored", nullptr}};
  if (result.winner) {
    const ConfigResult &winner = result.configs[*result.winner];
    document["winner"] = configJson(winner.config);
    document["winner_us"] = winner.medianMicroseconds;
  }
  if (result.defaultResult &&
      result.configs[*result.defaultResult].status == ConfigStatus::Timed)
    document["default_us"] =
        result.configs[*result.defaultResult].medianMicroseconds;
  if (auto speedup = result.speedupOverDefault())
    document["speedup_over_default"] = *speedup;
  if (storedAt)
    document["stored"] = storedAt->string();
  return document;
}

int listTargets(const Options &options, CliContext &context) {
  if (options.json) {
    json targets = json::array();
    for (const TuneTarget &target : context.targets)
      targets.push_back(
          {{"name", target.name}, {"description", target.description}});
    context.out << json{{"targets", targets}}.dump(2) << "\n";
    return 0;
  }
  if (context.targets.empty()) {
    context.out << "no targets in this build";
    if (!context.targetsNote.empty())
      context.out << ": " << context.targetsNote;
    context.out << "\n";
    return 0;
  }
  Table table({"target", "description"});
  for (const TuneTarget &target : context.targets)
    table.add({target.name, target.description});
  table.print(context.out, {false, false});
  return 0;
}

// --space FILE [--shape ...]: validates, and with the key's values shows
// what the prune rule keeps. Needs no GPU, so a space can be checked in CI.
int checkSpace(const Options &options, CliContext &context) {
  ConfigSpace space = ConfigSpace::load(options.spaceFile);
  std::optional<KeyValues> key;
  if (!options.shapes.empty() || space.key().empty()) {
    key = selectKeyValues(space, options.shapes, space.kernelName());
    for (const auto &[name, value] : options.shapes)
      if (std::find(space.key().begin(), space.key().end(), name) ==
          space.key().end())
        throw Error(Error::Kind::InvalidArgument,
                    "--shape " + name + ": not in the config space's key");
  }

  std::string keyNames;
  for (const std::string &name : space.key())
    keyNames += (keyNames.empty() ? "" : ", ") + name;

  if (options.json) {
    json configs = json::array();
    for (const Config &config : space.configs()) {
      json item = {{"config", configJson(config)},
                   {"is_default", config == space.defaultConfig()}};
      if (key) {
        PruneVerdict verdict = space.checkBeforeCompile(config, *key);
        item["kept"] = verdict.keep;
        item["reason"] = verdict.reason;
      }
      configs.push_back(item);
    }
    json document = {{"space", options.spaceFile},
                     {"valid", true},
                     {"kernel", space.kernelName()},
                     {"key", space.key()},
                     {"fingerprint", space.fingerprint()},
                     {"default", configJson(space.defaultConfig())},
                     {"configs", configs}};
    if (key)
      document["key_values"] = keyJson(*key);
    context.out << document.dump(2) << "\n";
    return 0;
  }

  context.out << options.spaceFile << ": valid, " << space.configs().size()
              << " configs, key (" << keyNames << "), default "
              << space.defaultConfig().describe() << "\n";
  if (!key) {
    context.out << "give --shape NAME=VALUE for each key argument to see "
                   "what the prune rule keeps\n";
    return 0;
  }
  Table table({"config", "for [" + describeKey(*key) + "]"});
  std::size_t kept = 0;
  for (const Config &config : space.configs()) {
    PruneVerdict verdict = space.checkBeforeCompile(config, *key);
    kept += verdict.keep;
    table.add({config.describe() +
                   (config == space.defaultConfig() ? " (default)" : ""),
               verdict.keep ? "kept" : "pruned: " + verdict.reason});
  }
  table.print(context.out, {false, false});
  context.out << kept << " of " << space.configs().size()
              << " configs would be compiled and timed\n";
  return 0;
}

int tuneTargets(const Options &options, CliContext &context) {
  // Resolve every name first: a typo in the third target must not cost
  // the tuning of the first two.
  std::vector<const TuneTarget *> chosen;
  for (const std::string &name : options.targets) {
    auto it = std::find_if(context.targets.begin(), context.targets.end(),
                           [&](const TuneTarget &t) { return t.name == name; });
    if (it == context.targets.end()) {
      std::string known;
      for (const TuneTarget &target : context.targets)
        known += (known.empty() ? "" : ", ") + target.name;
      std::string message = "unknown target '" + name + "'";
      message += known.empty() ? "; this build has none" : "; known: " + known;
      if (!context.targetsNote.empty())
        message += " (" + context.targetsNote + ")";
      throw Error(Error::Kind::InvalidArgument, message);
    }
    chosen.push_back(&*it);
  }

  std::optional<TuningStore> store;
  if (options.store) {
    std::filesystem::path root =
        options.cacheDir ? *options.cacheDir : context.defaultCacheRoot();
    store.emplace(root, [&context](const std::string &message) {
      context.err << "tritium-tune: warning: " << message << "\n";
    });
  }

  json results = json::array();
  bool everyKernelHasWinner = true;
  // Default against winner per kernel, printed once at the end.
  Table summary({"target", "default us", "winner us", "speed-up", "winner"});
  for (const TuneTarget *target : chosen) {
    std::vector<TuneSession> sessions = target->open(options.target);
    for (TuneSession &session : sessions) {
      std::string label = target->name;
      if (sessions.size() > 1)
        label += "/" + session.key.kernelName;
      TunerOptions tunerOptions = options.tuner;
      tunerOptions.onProgress = ProgressReporter(
          context.err, context.progressBar, options.progress, label);
      TuningResult result =
          Tuner(session.space, *session.benchmarker, tunerOptions)
              .tune(session.key.keyValues);

      std::optional<std::filesystem::path> storedAt;
      if (result.winner && store) {
        store->store(session.key, result.toEntry(session.space));
        storedAt = store->entryPath(session.key);
      }
      everyKernelHasWinner = everyKernelHasWinner && result.winner;
      if (options.json) {
        json item = resultJson(session, result, storedAt);
        item["target"] = target->name;
        results.push_back(item);
      } else {
        context.out << label << ": ";
        printResultTable(context.out, session, result, storedAt);
        auto timedMedian = [&](std::optional<std::size_t> index) {
          return index && result.configs[*index].status == ConfigStatus::Timed
                     ? microseconds(result.configs[*index].medianMicroseconds)
                     : std::string("-");
        };
        auto speedup = result.speedupOverDefault();
        summary.add(
            {label, timedMedian(result.defaultResult),
             timedMedian(result.winner), speedup ? ratio(*speedup) : "-",
             result.winner
                 ? describeFor(session, result.configs[*result.winner].config)
                 : "none timed"});
      }
    }
  }
  if (options.json)
    context.out << json{{"tritium_version", tritiumVersion()},
                        {"results", results}}
                       .dump(2)
                << "\n";
  else {
    context.out << "default vs tuned (median us, the L2 flushed before each "
                   "run):\n";
    summary.print(context.out, {false, true, true, true, false});
  }
  return everyKernelHasWinner ? 0 : 1;
}

} // namespace

int runTuneCli(const std::vector<std::string> &args, CliContext &context) {
  Options options;
  try {
    options = parseArguments(args);
  } catch (const UsageError &error) {
    if (error.message.empty()) {
      context.out << usageText();
      return 0;
    }
    context.err << "tritium-tune: " << error.message << "\n" << usageText();
    return 2;
  }

  try {
    if (options.listTargets)
      return listTargets(options, context);
    if (!options.spaceFile.empty())
      return checkSpace(options, context);
    return tuneTargets(options, context);
  } catch (const std::exception &error) {
    context.err << "tritium-tune: error: " << error.what() << "\n";
    return 1;
  }
}

} // namespace tritium::tune::cli
