import RdmaCommands
import RdmaLinux

Host.ignoreSIGPIPE()
Host.exit(runRdmactl(Array(CommandLine.arguments.dropFirst()), context: .live()))
