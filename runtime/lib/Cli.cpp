//===- Cli.cpp - tiny command-line parser ---------------------------------===//

#include "tfcrt/Cli.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace tfcrt {

bool parseInt(const std::string &text, int64_t *out) {
  if (text.empty() || text[0] == ' ' || text[0] == '\t')
    return false;
  char *end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno == ERANGE || *end != '\0')
    return false;
  *out = v;
  return true;
}

bool parseFloat(const std::string &text, double *out) {
  if (text.empty() || text[0] == ' ' || text[0] == '\t')
    return false;
  char *end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (errno == ERANGE || *end != '\0' || !std::isfinite(v))
    return false;
  *out = v;
  return true;
}

void ArgParser::addFlag(const std::string &name, char shortName,
                        const std::string &help) {
  specs.push_back(Spec{name, "", help, "", shortName, false, false, {}, 0});
}

void ArgParser::addOption(const std::string &name, char shortName,
                          const std::string &metavar, const std::string &help,
                          const std::string &defaultValue, bool repeatable) {
  specs.push_back(Spec{
      name, metavar, help, defaultValue, shortName, true, repeatable, {}, 0});
}

ArgParser::Spec *ArgParser::find(const std::string &name) {
  for (Spec &s : specs)
    if (s.name == name)
      return &s;
  return nullptr;
}

const ArgParser::Spec *ArgParser::find(const std::string &name) const {
  return const_cast<ArgParser *>(this)->find(name);
}

bool ArgParser::parse(int argc, const char *const *argv, std::string *error) {
  bool optionsDone = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (optionsDone || arg.size() < 2 || arg[0] != '-') {
      positionals.push_back(arg);
      continue;
    }
    if (arg == "--") {
      optionsDone = true;
      continue;
    }
    Spec *spec = nullptr;
    std::string value, shown;
    bool inlineValue = false;
    if (arg[1] == '-') {
      size_t eq = arg.find('=');
      shown = arg.substr(0, eq);
      spec = find(shown.substr(2));
      if (eq != std::string::npos) {
        value = arg.substr(eq + 1);
        inlineValue = true;
      }
    } else {
      for (Spec &s : specs)
        if (s.shortName == arg[1])
          spec = &s;
      shown = arg.substr(0, 2);
      if (spec && arg.size() > 2) {
        if (!spec->takesValue) {
          *error =
              "error: " + shown + " does not take a value (in '" + arg + "')";
          return false;
        }
        value = arg.substr(2);
        inlineValue = true;
      }
    }
    if (!spec) {
      *error = "error: unknown option '" + shown + "'";
      return false;
    }
    std::string label = "--" + spec->name;
    if (!spec->takesValue && inlineValue) {
      *error = "error: " + label + " does not take a value";
      return false;
    }
    if (spec->takesValue && !inlineValue) {
      if (i + 1 >= argc) {
        *error = "error: " + label + ": missing value";
        return false;
      }
      value = argv[++i];
    }
    if (spec->seen && !spec->repeatable) {
      *error = "error: " + label + " given more than once";
      return false;
    }
    ++spec->seen;
    if (spec->takesValue)
      spec->values.push_back(value);
  }
  return true;
}

bool ArgParser::has(const std::string &name) const {
  const Spec *s = find(name);
  return s && s->seen > 0;
}

std::string ArgParser::get(const std::string &name) const {
  const Spec *s = find(name);
  if (!s)
    return "";
  return s->values.empty() ? s->defaultValue : s->values.back();
}

std::vector<std::string> ArgParser::getAll(const std::string &name) const {
  const Spec *s = find(name);
  return s ? s->values : std::vector<std::string>();
}

static std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

bool ArgParser::getInt(const std::string &name, int64_t min, int64_t max,
                       int64_t *out, std::string *error) const {
  std::string text = get(name);
  int64_t v;
  if (!parseInt(text, &v) || v < min || v > max) {
    *error = "error: --" + name + ": expected an integer in [" +
             std::to_string(min) + ", " + std::to_string(max) + "], got '" +
             text + "'";
    return false;
  }
  *out = v;
  return true;
}

bool ArgParser::getFloat(const std::string &name, double min, double max,
                         bool minIncluded, bool maxIncluded, double *out,
                         std::string *error) const {
  std::string text = get(name);
  double v;
  bool ok = parseFloat(text, &v) && (minIncluded ? v >= min : v > min) &&
            (maxIncluded ? v <= max : v < max);
  if (!ok) {
    *error = "error: --" + name + ": expected a number in " +
             (minIncluded ? "[" : "(") + number(min) + ", " + number(max) +
             (maxIncluded ? "]" : ")") + ", got '" + text + "'";
    return false;
  }
  *out = v;
  return true;
}

std::string ArgParser::help() const {
  std::string out = usage + "\n\noptions:\n";
  for (const Spec &s : specs) {
    std::string left = "  ";
    left += s.shortName ? std::string("-") + s.shortName + ", " : "    ";
    left += "--" + s.name;
    if (s.takesValue)
      left += " " + s.metavar;
    if (left.size() < 28)
      left.append(28 - left.size(), ' ');
    else
      left += "  ";
    out += left + s.help;
    if (!s.defaultValue.empty())
      out += " (default: " + s.defaultValue + ")";
    if (s.repeatable)
      out += " (repeatable)";
    out += "\n";
  }
  return out;
}

} // namespace tfcrt
