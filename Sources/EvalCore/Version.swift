/// The release every tool reports (`--version`) and `aggregate --format swallow` records in a
/// run's settings.
public enum Evalpipe {
    public static let version = "0.21.0"
}
