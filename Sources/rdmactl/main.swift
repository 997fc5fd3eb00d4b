import RdmaCommands
import RdmaLinux

Host.ignoreSIGPIPE()
Host.exit(Host.finalStatus(runRdmactl(Array(CommandLine.arguments.dropFirst()), context: .live())))
