"""One module per `ree-planner` subcommand; each has add_parser(subparsers) and main(args) -> exit code."""
