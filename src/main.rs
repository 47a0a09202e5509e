fn main() {
    std::process::exit(daicho::app::main());
}
