/// The options every command takes (`--config`, `--database`, `--as-of`, `--json`) may come
/// before the command's name, as the contract writes them (`creditctl --database PATH customer
/// show ID`); the parser wants them after it, so they are moved there. A command that does not
/// take one (a write command and `--database`) still refuses it by name.
enum LeadingOptions {
    static let valued: Set<String> = ["--config", "--database", "--as-of"]
    static let flags: Set<String> = ["--json"]

    static func reorder(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            let name = String(argument.prefix { $0 != "=" })
            if flags.contains(argument) || (argument.contains("=") && valued.contains(name)) {
                leading.append(argument)
                index += 1
            } else if valued.contains(argument), index + 1 < arguments.endIndex {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else {
                break
            }
        }
        // Nothing moved, or nothing but options: the parser's own message is the right one.
        guard !leading.isEmpty, index < arguments.endIndex else { return negativesLast(arguments) }
        return negativesLast(Array(arguments[index...]) + leading)
    }

    /// A negative number given where an argument is expected (`limit set C-1 -5`) would be read
    /// as an unknown option and reported as a missing amount; after `--` it is the argument, and
    /// the command refuses the value itself ("a limit cannot be negative"). A number right after
    /// a long option is that option's value, joined to it (`--period-days=-5`) so that the parser
    /// takes it as one and the command's own range check answers.
    static func negativesLast(_ arguments: [String]) -> [String] {
        guard !arguments.contains("--") else { return arguments }
        var kept: [String] = []
        var moved: [String] = []
        for (index, argument) in arguments.enumerated() {
            let previous = index > 0 ? arguments[index - 1] : ""
            let isNegative = argument.count > 1 && argument.hasPrefix("-") && argument.dropFirst().first?.isNumber == true
            let afterOption = previous.hasPrefix("-") && !previous.contains("=")
            if isNegative && afterOption && previous.hasPrefix("--") && !kept.isEmpty {
                kept[kept.count - 1] = previous + "=" + argument
            } else if isNegative && !afterOption {
                moved.append(argument)
            } else {
                kept.append(argument)
            }
        }
        return moved.isEmpty ? kept : kept + ["--"] + moved
    }
}
