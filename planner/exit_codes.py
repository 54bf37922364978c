"""Exit codes of the ree-planner command (a contract scripts rely on)."""
EXIT_OK = 0  # solved / done
EXIT_INTERNAL = 1  # a bug in ree-planner (never expected; the message asks for a report)
EXIT_INPUT = 2  # bad input or an unusable path: the message names file, row, column and what was expected
EXIT_SOLVER = 3  # infeasible or solver failure: the message says what the solver said and at which stage
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGTERM gives 143): nothing half-written is left
