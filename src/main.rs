fn main() -> std::process::ExitCode {
    lint502::cli::run()
}
