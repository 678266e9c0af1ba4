//===- Specialization.cpp - Triton 3.6's argument specialisation ----------===//

#include "ArgRules.h"

#include "tritium/Runtime/Error.h"

using namespace tritium;

int Signature::find(const std::string &name) const {
  for (std::size_t i = 0; i < params.size(); ++i)
    if (params[i].name == name)
      return int(i);
  return -1;
}

std::string Specialization::str() const {
  std::string text;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i)
      text += ',';
    if (args[i] == ArgSpecialization::Divisible16)
      text += 'D';
    else if (args[i] == ArgSpecialization::EqualsOne)
      text += '1';
  }
  return text;
}

Specialization Specialization::parse(const std::string &text) {
  Specialization result;
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find(',', start);
    std::string field = text.substr(
        start, end == std::string::npos ? std::string::npos : end - start);
    if (field.empty())
      result.args.push_back(ArgSpecialization::None);
    else if (field == "D")
      result.args.push_back(ArgSpecialization::Divisible16);
    else if (field == "1")
      result.args.push_back(ArgSpecialization::EqualsOne);
    else
      throw Error(Error::Kind::InvalidArgument, "bad specialisation '" + text +
                                                    "': field '" + field +
                                                    "' is not D, 1 or empty");
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return result;
}

Specialization Specialization::none(std::size_t numParams) {
  Specialization result;
  result.args.assign(numParams, ArgSpecialization::None);
  return result;
}

namespace {
std::string parameterList(const Signature &signature) {
  std::string list;
  for (const ParamInfo &param : signature.params) {
    if (!list.empty())
      list += ", ";
    list += param.name + ": " + param.typeText;
  }
  return list;
}
} // namespace

Specialization tritium::specialize(const Signature &signature,
                                   std::span<const ArgValue> args) {
  const std::string kernel = "kernel '" + signature.kernelName + "'";
  if (args.size() != signature.params.size())
    throw Error(Error::Kind::InvalidArgument,
                kernel + " takes " + std::to_string(signature.params.size()) +
                    " argument(s) (" + parameterList(signature) + "), but " +
                    std::to_string(args.size()) + " were passed");
  Specialization result;
  result.args.resize(args.size());
  for (std::size_t i = 0; i < args.size(); ++i) {
    const ParamInfo &param = signature.params[i];
    std::string expected;
    if (!detail::fits(param.type, args[i], &expected))
      throw Error(Error::Kind::InvalidArgument,
                  kernel + ": argument " + std::to_string(i) + " '" +
                      param.name + "' (" + param.typeText + ") expects " +
                      expected + ", got " + args[i].describe());
    if (!detail::classify(param, args[i], result.args[i]))
      throw Error(Error::Kind::InvalidArgument,
                  kernel + ": argument " + std::to_string(i) + " '" +
                      param.name + "' is " + args[i].describe() +
                      ", but the IR declares it tt.divisibility = " +
                      std::to_string(param.irDivisibility) +
                      (param.type == ParamType::Pointer
                           ? " (pass a pointer aligned to that many bytes)"
                           : " (pass a multiple of it)"));
  }
  return result;
}
