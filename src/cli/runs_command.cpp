// qualbar runs: list stored runs, newest first.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "qualbar/server/accounts.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/text.hpp"

namespace qb::cli {
namespace {

struct RunsOptions {
  std::string store;
  std::size_t limit = 20;
  bool json = false;
  std::string label;
  bool archived = false;
  std::vector<std::string> ids;
  std::vector<std::string> add, remove;
  std::string note;
  bool set_note = false;
};

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

int runs(const RunsOptions& o) {
  const std::string path = resolve_store_path(o.store, "");
  std::vector<RunInfo> list;
  if (path.find("://") != std::string::npos || std::filesystem::exists(path))
    list = open_store(path, StoreAccess::existing)->runs().list_runs(o.limit);
  std::erase_if(list, [&](const RunInfo& r) {
    return (!o.archived && !r.archived_at.empty()) ||
           (!o.label.empty() &&
            std::find(r.labels.begin(), r.labels.end(), o.label) == r.labels.end());
  });
  if (o.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& r : list) {
      out.push_back({{"id", r.id},
                     {"started_at", r.started_at},
                     {"suite", r.suite_name},
                     {"model", r.model},
                     {"n_cases", r.n_cases},
                     {"n_errors", r.n_errors},
                     {"passed", r.passed},
                     {"suite_hash", r.suite_hash},
                     {"dataset_hash", r.dataset_hash},
                     {"status", to_string(r.status)},
                     {"labels", r.labels},
                     {"note", r.note},
                     {"git_commit", r.git_commit},
                     {"archived_at", r.archived_at}});
    }
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  if (list.empty()) {
    std::cout << fmt::format(
        "No runs in {} yet. Start with: qualbar run suite.yaml{} (or qualbar demo)\n", path,
        store_flag_hint(path));
    return 0;
  }
  std::cout << fmt::format("{:<26}{:<22}{:<24}{:<22}{:>7}{:>8}  {}\n", "RUN", "STARTED (UTC)",
                           "SUITE", "MODEL", "CASES", "ERRORS", "RESULT");
  for (const auto& r : list) {
    // Names come from suites and endpoints: shown, never run by the terminal.
    std::cout << fmt::format("{:<26}{:<22}{:<24}{:<22}{:>7}{:>8}  {}\n", display_text(r.id),
                             display_text(r.started_at.substr(0, 19)),
                             display_text(r.suite_name.substr(0, 23)),
                             display_text(r.model.substr(0, 21)), r.n_cases, r.n_errors,
                             r.status == RunStatus::monitor ? "monitor (qualbar monitor status)"
                             : r.status != RunStatus::complete
                                 ? std::string(to_string(r.status)) + " (qualbar run --resume)"
                             : r.passed ? "pass"
                                        : "FAIL");
    std::string about;
    if (!r.labels.empty()) about += "labels: " + joined(r.labels, ", ");
    if (!r.note.empty()) about += (about.empty() ? "" : " · ") + ("note: " + r.note);
    if (!r.archived_at.empty()) about += (about.empty() ? "" : " · ") + ("archived " + r.archived_at.substr(0, 10));
    if (!about.empty()) std::cout << "    " << display_text(about) << '\n';
  }
  std::cout << fmt::format("\n{} run(s) shown from {}. See one with: qualbar report RUN{}\n",
                           list.size(), path, store_flag_hint(path));
  return 0;
}

// Deletes, archives, restores or labels each named run, each change audited.
int change_runs(const RunsOptions& o, const std::string& what) {
  const std::string path = resolve_store_path(o.store, "");
  const auto store = open_store(path, StoreAccess::existing);
  for (const auto& label : o.add) check_run_label(label, "--add");
  check_run_note(o.note, "--note");
  const std::string who = "cli:" + user_name();
  for (const std::string& id : o.ids) {
    const std::string full = store->runs().resolve_run_id(id);
    const auto unit = store->begin();
    if (what == "delete") {
      store->runs().delete_run(full);
      audit(*store, who, "runs.delete", full);
      std::cout << fmt::format("Deleted run {} with its cases, answers, scores, review grades and review queues.\n", full);
    } else if (what == "archive" || what == "restore") {
      store->runs().set_run_archived(full, what == "archive" ? now_rfc3339() : "");
      audit(*store, who, "runs." + what, full);
      if (what == "archive")
        std::cout << fmt::format("Archived run {}: `qualbar runs --archived` still lists it.\n", full);
      else
        std::cout << fmt::format("Restored run {} to the lists.\n", full);
    } else {
      RunInfo info = store->runs().load_summary(full).info;
      std::vector<std::string> labels;
      for (const auto& l : info.labels)
        if (std::find(o.remove.begin(), o.remove.end(), l) == o.remove.end()) labels.push_back(l);
      for (const auto& l : o.add)
        if (std::find(labels.begin(), labels.end(), l) == labels.end()) labels.push_back(l);
      const std::string note = o.set_note ? o.note : info.note;
      store->runs().set_run_labels(full, labels, note);
      audit(*store, who, "runs.label", full,
            fmt::format("labels [{}]{}", joined(labels, ", "), o.set_note ? ", note: " + note : ""));
      std::cout << fmt::format("Run {}: labels [{}]{}.\n", full, display_text(joined(labels, ", ")),
                               note.empty() ? "" : ", note: " + display_text(note));
    }
    unit->commit();
  }
  return 0;
}

const CommandRegistrar runs_command_registrar{CommandEntry{
    "runs", 40, [](Command& sub, const Globals&) -> std::function<int()> {
      sub.description(
          "List stored runs, newest first, with their model, labels and whether they met every "
          "bar. A run that was interrupted, failed or killed shows its status: continue it with "
          "`qualbar run --resume RUN`. `label`, `archive`, `restore` and `delete` change runs "
          "(each change is written to the store's audit log).");
      auto o = std::make_shared<RunsOptions>();
      add_store_option(sub, o->store);
      sub.add_option("-n,--limit", o->limit, "How many runs to list")->default_val(20);
      sub.add_flag("--json", o->json, "Print the list as JSON");
      sub.add_option("--label", o->label, "Only the runs with this label");
      sub.add_flag("--archived", o->archived, "Also list archived runs");
      const auto on_runs = [&](const char* name, const char* help) {
        Command* c = sub.add_subcommand(name, help);
        c->add_option("runs", o->ids, "Run ids (a unique prefix, latest, latest~N)")->required();
        add_store_option(*c, o->store);
        return c;
      };
      Command* del = on_runs("delete",
                             "Delete runs for good: their cases, answers, scores, report, review "
                             "grades and the review queues of their answers (a monitor's "
                             "production data cannot be deleted here)");
      Command* archive =
          on_runs("archive", "Archive runs: they leave the lists (still readable by id)");
      Command* restore = on_runs("restore", "Bring archived runs back to the lists");
      Command* label = on_runs("label", "Add or remove labels of runs, or change their note");
      label->add_option("--add", o->add, "A label to add (repeatable)");
      label->add_option("--remove", o->remove, "A label to remove (repeatable)");
      label->add_option("--note", o->note, "The note, replacing the one it has");
      return [o, del, archive, restore, label] {
        o->set_note = label->parsed() && !o->note.empty();
        if (del->parsed()) return change_runs(*o, "delete");
        if (archive->parsed()) return change_runs(*o, "archive");
        if (restore->parsed()) return change_runs(*o, "restore");
        if (label->parsed()) return change_runs(*o, "label");
        return runs(*o);
      };
    }}};

}  // namespace
}  // namespace qb::cli
