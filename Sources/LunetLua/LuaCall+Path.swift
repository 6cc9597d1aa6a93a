import Lunet

extension LuaCall {
    /// A file or folder path argument: a string without NUL bytes (`FilePath.checked`).
    public func path(_ index: Int32) throws -> String {
        let text = try string(index)
        do {
            return try FilePath.checked(text)
        } catch let error as LunetError {
            throw argumentError(index, error.message)
        }
    }
}
