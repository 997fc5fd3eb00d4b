import RdmaCommands
import RdmaLinux

Host.ignoreSIGPIPE()
let arguments = (1..<Int(CommandLine.argc)).map { i in
    Array(UnsafeBufferPointer(start: CommandLine.unsafeArgv[i], count: strlenOf(CommandLine.unsafeArgv[i])))
        .map { UInt8(bitPattern: $0) }
}
Host.exit(Host.finalStatus(runRdmactl(rawArguments: arguments, context: .live())))
