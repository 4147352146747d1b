/// Placeholder
enum MarkdownText {
    static func plainText(_ s: String) -> String { s }
}
