//! `jixiao`: the command-line tool. All the work is in the libraries; this only hands
//! the command line to [`jixiao_cli`].

fn main() -> std::process::ExitCode {
    jixiao_cli::main()
}
