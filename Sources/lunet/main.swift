import LunetLua
let state = try! LuaState(libraryPath: LuaLibraryPath.locate())
try! state.run("local x = tensor.from({{1,2},{3,4}}); print(x); print(x:matmul(x)); print(x:sum(), x:argmax(2)); print(help(tensor.zeros)); print(pcall(function() return x:matmul('a') end)); print(pcall(tensor.rand, {2}, {sed=1}))")
