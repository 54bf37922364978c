"""Exit codes of the ree-planner command (a contract scripts rely on)."""
EXIT_OK = 0  # solved / done
EXIT_INPUT = 2  # bad input: the message names file, row, column and what was expected
EXIT_SOLVER = 3  # infeasible or solver failure
