#include "LuaShim.h"
#include <signal.h>
#include <string.h>

static lunet_dispatch_fn dispatch = NULL;
static volatile sig_atomic_t interrupted = 0;
/* Ctrl-C presses during the current top-level call, counted up to 2. */
static volatile sig_atomic_t presses = 0;
static lua_State *running_state = NULL;

void lunet_set_dispatch(lunet_dispatch_fn fn) { dispatch = fn; }

static int trampoline(lua_State *L) {
    lua_Integer id = lua_tointeger(L, lua_upvalueindex(1));
    int n = dispatch(L, id);
    if (n >= 0) return n;
    if (n == LUNET_ERROR_MESSAGE) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    }
    if (n == LUNET_ERROR_VALUE) return lua_error(L);
    return luaL_argerror(L, LUNET_ARGERROR - n, lua_tostring(L, -1));
}

void lunet_push_function(lua_State *L, lua_Integer functionID) {
    lua_pushinteger(L, functionID);
    lua_pushcclosure(L, trampoline, 1);
}

lua_Integer lunet_binding_id(lua_State *L, int idx) {
    if (lua_tocfunction(L, idx) != trampoline) return -1;
    lua_getupvalue(L, idx, 1);
    lua_Integer id = lua_tointeger(L, -1);
    lua_pop(L, 1);
    return id;
}

/* Registry key of the last message this handler produced. */
static const char traced_key = 'T';

int lunet_traceback(lua_State *L) {
    /* A message that already carries its traceback (an error of a Lua
       callback that Swift passed on) goes up unchanged: one traceback. */
    lua_rawgetp(L, LUA_REGISTRYINDEX, &traced_key);
    int traced = lua_rawequal(L, 1, -1);
    lua_pop(L, 1);
    if (traced) {
        lua_settop(L, 1);
        return 1;
    }
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &traced_key);
    return 1;
}

void lunet_mark_traced(lua_State *L) {
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &traced_key);
}

/* As lua.c does: the handler only arms a hook; the hook raises the error
   inside Lua, at the next instruction count. The first Ctrl-C raises one
   error, which a pcall may catch and go on from, as in lua. A second one in
   the same top-level call (where lua.c would end the process) keeps the hook
   armed: every pcall that swallows the error meets it again at its next
   instruction, so a runaway loop of pcalls still ends, control comes back to
   the prompt (which survives) or the script's top level, and the top-level
   lunet_pcall removes the hook. */
static void stop_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    if (presses < 2) lua_sethook(L, NULL, 0, 0);
    luaL_error(L, "interrupted!");
}

static void on_sigint(int sig) {
    (void)sig;
    interrupted = 1;
    if (presses < 2) presses++;
    if (running_state != NULL)
        lua_sethook(running_state, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

int lunet_pcall(lua_State *L, int nargs, int nresults, int traceback) {
    int base = lua_gettop(L) - nargs;
    if (traceback) {
        lua_pushcfunction(L, lunet_traceback);
        lua_insert(L, base);
    }
    lua_State *previous_state = running_state;
    if (previous_state == NULL) interrupted = presses = 0;
    running_state = L;
    void (*previous)(int) = signal(SIGINT, on_sigint);
    /* SIGUSR1 asks the same: mpirun forwards it to every rank, where Ctrl-C
       makes mpirun end the job (kill -USR1 <pid of mpirun>). */
    void (*previous_usr1)(int) = signal(SIGUSR1, on_sigint);
    int status = lua_pcall(L, nargs, nresults, traceback ? base : 0);
    signal(SIGINT, previous);
    /* Outside Lua code there is nothing to stop: ignored rather than fatal. */
    signal(SIGUSR1, previous_usr1 == SIG_DFL ? SIG_IGN : previous_usr1);
    running_state = previous_state;
    /* Only our stop hook is removed (a hook the user set with debug.sethook
       stays), and an insistent one only at the top level. */
    if (lua_gethook(L) == stop_hook && (previous_state == NULL || presses < 2)) lua_sethook(L, NULL, 0, 0);
    if (previous_state == NULL) presses = 0;
    if (traceback) lua_remove(L, base);
    return status;
}

static int openlibs(lua_State *L) {
    luaL_openlibs(L);
    return 0;
}

int lunet_openlibs(lua_State *L) {
    lua_pushcfunction(L, openlibs);
    return lua_pcall(L, 0, 0, 0);
}

int lunet_interrupt_pending(void) { return interrupted != 0; }
void lunet_clear_interrupt(void) { interrupted = 0; }

int lunet_consume_interrupt(void) {
    if (!interrupted) return 0;
    interrupted = 0;
    if (running_state != NULL && lua_gethook(running_state) == stop_hook)
        lua_sethook(running_state, NULL, 0, 0);
    return 1;
}

int lunet_registryindex(void) { return LUA_REGISTRYINDEX; }
void lunet_pop(lua_State *L, int n) { lua_pop(L, n); }
void lunet_newtable(lua_State *L) { lua_newtable(L); }
void lunet_remove(lua_State *L, int idx) { lua_remove(L, idx); }
void lunet_insert(lua_State *L, int idx) { lua_insert(L, idx); }
const char *lunet_tostring(lua_State *L, int idx, size_t *len) { return lua_tolstring(L, idx, len); }
int lunet_isinteger(lua_State *L, int idx) { return lua_isinteger(L, idx); }
int lunet_loadbuffer(lua_State *L, const char *buffer, size_t size, const char *name) {
    return luaL_loadbufferx(L, buffer, size, name, NULL);
}
void lunet_gc_step(lua_State *L, int kilobytes) { lua_gc(L, LUA_GCSTEP, kilobytes); }
void lunet_gc_collect(lua_State *L) { lua_gc(L, LUA_GCCOLLECT); }
int lunet_loadfile(lua_State *L, const char *path) { return luaL_loadfilex(L, path, NULL); }

/* lua.c's pushargs: the script's arguments are the global 'arg' table's
   entries 1..#arg at the time the script starts (a script run by -e may
   have changed them). Run protected: it can raise. */
static int pushargs(lua_State *L) {
  int i, n;
  if (lua_getglobal(L, "arg") != LUA_TTABLE)
    luaL_error(L, "'arg' is not a table");
  n = (int)luaL_len(L, -1);
  luaL_checkstack(L, n + 3, "too many arguments to script");
  for (i = 1; i <= n; i++)
    lua_rawgeti(L, -i, i);
  lua_remove(L, -i);
  return n;
}

const char *lunet_lua_copyright(void) { return LUA_COPYRIGHT; }

int lunet_pushargs(lua_State *L) {
  int top = lua_gettop(L);
  lua_pushcfunction(L, pushargs);
  if (lua_pcall(L, 0, LUA_MULTRET, 0) != LUA_OK) return -1;
  return lua_gettop(L) - top;
}
