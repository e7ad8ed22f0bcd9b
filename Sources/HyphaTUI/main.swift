// Entry point: parse the command line, run the command, map failures to exit codes
// (0 success, 1 operational failure with a one-line error, 2 usage error).
CommandLineMain.run()
