/* leakext: a deliberately leaky CPython extension for pyleak's regression
 * suite.  It builds against CPython 3.10-3.13 headers, release and Py_DEBUG.
 *
 * Every leak is made by its own static, never-inlined, never-cloned helper
 * with a distinctive name (lx_*), so the allocation stack that memcheck and
 * pyleak report always contains that frame.  Each leaked pointer goes
 * through a volatile variable so that the optimiser cannot drop the
 * allocation (GCC may otherwise elide a malloc whose result is unused).
 *
 * Python API (module "leakext"):
 *   leak_bytes(n)           malloc(n) in lx_leak_bytes, dropped: n bytes
 *                           definitely lost
 *   leak_struct()           lx_leak_struct: 48-byte parent -> 100-byte child,
 *                           parent dropped: 48 definite + 100 indirect
 *   leak_pymem(n)           PyMem_Malloc(n) in lx_leak_pymem, dropped
 *   incref_leak(obj)        lx_extra_incref: one extra Py_INCREF on obj
 *   make_dict_leak(n)       lx_dict_leak: new dict {"k0".."k<n-1>": bytes(100)}
 *                           whose last Py_DECREF is forgotten (refcount 1)
 *   keep(obj)               lx_keep: new reference stored in the static array
 *                           lx_kept[1024] (still reachable); IndexError when
 *                           full
 *   keep_text(obj)          lx_keep_text: a new reference to a str or bytes
 *                           object, kept only as a `char *` to its text
 *                           (PyUnicode_AsUTF8, PyBytes_AS_STRING) in the
 *                           static array lx_text[64], as numpy keeps its
 *                           docstrings (still reachable)
 *   point_inside(obj)       lx_inside: the static lx_inside points 20
 *                           bytes into obj's block, never at its start
 *                           (no reference is taken): the only pointer
 *                           to a leaked object makes it possibly lost
 *   point_before(obj, n)    lx_before: the static lx_before points n
 *                           bytes before obj (the start of its block,
 *                           given the size of what precedes the object),
 *                           as a stale pointer might; no reference
 *   call(fn, *args, **kw)   lx_call: fn(*args, **kw) via PyObject_Call,
 *                           returns its result
 *   leak_in_thread_nogil(n) lx_leak_bytes(n) with the GIL released
 *   leak_check(label)       a leak check now (PYLEAK_LEAK_CHECK)
 *   leak_address(n)         lx_leak_addr: malloc(n), filled with 0xA5,
 *                           returned as an int (its address) and
 *                           forgotten by the extension
 *   leak_arena_pool()       compiles "f(1)" with the interpreter's
 *                           PyMem allocator wrapped: its parser arena
 *                           blocks (8224 bytes) come from a 64 KiB block
 *                           that lx_arena_pool mallocs, each described
 *                           to Valgrind as a MALLOCLIKE block (FREELIKE
 *                           when the arena frees it); the pool is then
 *                           filled with 0xA5 and dropped: 65536 bytes
 *                           definitely lost, which CPython 3.10/3.11's
 *                           parser cache points into
 *   leak_covering(addr)     lx_leak_covering: mallocs 64 KiB blocks
 *                           until one covers addr (at most 1024 tries),
 *                           frees the others and drops that one (or, if
 *                           none did, one more): 65536 bytes definitely
 *                           lost; returns whether it covers addr
 *   leak_new(kind)          builds one object with one of the C API's
 *                           constructors, in lx_new_<kind>, and forgets
 *                           the reference (a leaked reference): kind is
 *                           list, tuple, dict, float, int, slice, method,
 *                           cell, build_list, build_tuple or build_dict
 *                           (Py_BuildValue); ValueError for others
 * All but call() return None.
 * At import, if LEAKEXT_IMPORT_LEAK is set in the environment,
 * lx_import_leak() mallocs 77 bytes and drops them.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pyleak.h"             /* PYLEAK_LEAK_CHECK (and valgrind.h) */

#if defined(__clang__)
#  define LX_NOINLINE __attribute__((noinline))
#elif defined(__GNUC__)
#  define LX_NOINLINE __attribute__((noinline, noclone))
#else
#  define LX_NOINLINE
#endif

/* Compiler barrier: the block at p may be read by someone the compiler
 * cannot see, so the stores made into it (memset, the parent->child link)
 * must really happen.  Without it GCC deletes stores into a malloc'd block
 * that is never read again, and the "indirectly lost" child would be
 * reported as definitely lost. */
#if defined(__GNUC__)
#  define LX_ESCAPE(p) __asm__ __volatile__("" : : "r"(p) : "memory")
#else
#  define LX_ESCAPE(p) ((void)(p))
#endif

#define LX_KEPT_MAX 1024

/* Global static (not function-local): what keep() stores stays reachable. */
/* Read back by kept(), which also keeps the compiler from dropping the
   stores of a static array nothing else reads. */
static PyObject *lx_kept[LX_KEPT_MAX];
#define LX_TEXT_MAX 64
/* volatile: written only, never read by the extension itself */
static const char *volatile lx_text[LX_TEXT_MAX];
static int lx_ntext;
static const char *volatile lx_inside;
static const char *volatile lx_before;
static Py_ssize_t lx_nkept;

struct lx_node {
    char *child;     /* -> 100-byte malloc'd block */
    char pad[40];
};                   /* 48 bytes on LP64 */

/* ---- the leaking helpers -------------------------------------------- */

LX_NOINLINE static void
lx_leak_bytes(size_t n)
{
    void *volatile p = malloc(n);
    if (p != NULL) {
        memset((void *)p, 0xA5, n);
        LX_ESCAPE((void *)p);
    }
    p = NULL;
}

LX_NOINLINE static void *
lx_leak_addr(size_t n)
{
    void *volatile p = malloc(n);
    if (p != NULL) {
        memset((void *)p, 0xA5, n);
        LX_ESCAPE((void *)p);
    }
    return p;
}

#define LX_POOL_SIZE 65536
#define LX_ARENA_BLOCK (8192 + 4 * sizeof(void *))   /* pyarena.c */

static PyMemAllocatorEx lx_old_mem;
static char *lx_pool;
static size_t lx_pool_used;

static int
lx_in_pool(const void *p)
{
    return lx_pool != NULL && (const char *)p >= lx_pool
           && (const char *)p < lx_pool + LX_POOL_SIZE;
}

static void *
lx_hook_malloc(void *ctx, size_t n)
{
    (void)ctx;
    if (n == LX_ARENA_BLOCK && lx_pool != NULL
        && lx_pool_used + n <= LX_POOL_SIZE) {
        void *p = lx_pool + lx_pool_used;
        lx_pool_used += (n + 15) & ~(size_t)15;
        VALGRIND_MALLOCLIKE_BLOCK(p, n, 0, 0);
        return p;
    }
    return lx_old_mem.malloc(lx_old_mem.ctx, n);
}

static void *
lx_hook_calloc(void *ctx, size_t nelem, size_t elsize)
{
    (void)ctx;
    return lx_old_mem.calloc(lx_old_mem.ctx, nelem, elsize);
}

static void *
lx_hook_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    if (lx_in_pool(p))
        return NULL;            /* pyarena.c never resizes its blocks */
    return lx_old_mem.realloc(lx_old_mem.ctx, p, n);
}

static void
lx_hook_free(void *ctx, void *p)
{
    (void)ctx;
    if (lx_in_pool(p)) {
        VALGRIND_FREELIKE_BLOCK(p, 0);
        return;
    }
    lx_old_mem.free(lx_old_mem.ctx, p);
}

LX_NOINLINE static int
lx_arena_pool(void)
{
    PyMemAllocatorEx hook = { NULL, lx_hook_malloc, lx_hook_calloc,
                              lx_hook_realloc, lx_hook_free };
    char *volatile pool = malloc(LX_POOL_SIZE);

    if (pool == NULL)
        return -1;
    lx_pool = (char *)pool;
    lx_pool_used = 0;
    PyMem_GetAllocator(PYMEM_DOMAIN_MEM, &lx_old_mem);
    PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &hook);
    PyObject *code = Py_CompileString("f(1)\n", "<leakext>", Py_file_input);
    PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &lx_old_mem);
    Py_XDECREF(code);
    /* What the parser left there would point at freed objects. */
    memset((void *)pool, 0xA5, LX_POOL_SIZE);
    LX_ESCAPE((void *)pool);
    lx_pool = NULL;
    pool = NULL;
    return code == NULL ? -1 : 0;
}

#define LX_COVER_CHUNK 65536
#define LX_COVER_TRIES 1024

LX_NOINLINE static int
lx_leak_covering(uintptr_t addr)
{
    char **held = malloc(LX_COVER_TRIES * sizeof *held);
    char *volatile kept = NULL;
    size_t n = 0;

    if (held == NULL)
        return 0;
    while (n < LX_COVER_TRIES) {
        char *p = malloc(LX_COVER_CHUNK);
        if (p == NULL)
            break;
        if ((uintptr_t)p <= addr && addr < (uintptr_t)p + LX_COVER_CHUNK) {
            kept = p;
            break;
        }
        held[n++] = p;
    }
    int found = kept != NULL;
    if (kept == NULL)
        kept = malloc(LX_COVER_CHUNK);
    if (kept != NULL) {
        memset((void *)kept, 0xA5, LX_COVER_CHUNK);
        LX_ESCAPE((void *)kept);
    }
    kept = NULL;
    while (n > 0)
        free(held[--n]);
    free(held);
    return found;
}

LX_NOINLINE static int
lx_leak_struct(void)
{
    struct lx_node *volatile parent = malloc(sizeof(struct lx_node));
    char *volatile child;

    if (parent == NULL)
        return -1;
    child = malloc(100);
    if (child == NULL) {
        free((void *)parent);
        return -1;
    }
    memset((void *)child, 0x5A, 100);
    memset((void *)parent, 0, sizeof(struct lx_node));
    parent->child = (char *)child;
    LX_ESCAPE((void *)parent);
    child = NULL;
    parent = NULL;      /* parent lost; child only reachable from it */
    return 0;
}

LX_NOINLINE static int
lx_leak_pymem(size_t n)
{
    void *volatile p = PyMem_Malloc(n);
    if (p == NULL)
        return -1;
    memset((void *)p, 0x3C, n);
    LX_ESCAPE((void *)p);
    p = NULL;
    return 0;
}

LX_NOINLINE static void
lx_extra_incref(PyObject *obj)
{
    PyObject *volatile o = obj;
    Py_INCREF((PyObject *)o);
}

LX_NOINLINE static int
lx_dict_leak(Py_ssize_t n)
{
    PyObject *volatile d = PyDict_New();
    Py_ssize_t i;

    if (d == NULL)
        return -1;
    for (i = 0; i < n; i++) {
        PyObject *key, *val;
        int rc;

        key = PyUnicode_FromFormat("k%zd", i);
        if (key == NULL)
            goto fail;
        val = PyBytes_FromStringAndSize(NULL, 100);
        if (val == NULL) {
            Py_DECREF(key);
            goto fail;
        }
        memset(PyBytes_AS_STRING(val), 'x', 100);
        rc = PyDict_SetItem((PyObject *)d, key, val);
        Py_DECREF(key);
        Py_DECREF(val);
        if (rc < 0)
            goto fail;
    }
    /* The final Py_DECREF(d) is "forgotten": the dict leaks with refcount 1. */
    d = NULL;
    return 0;
fail:
    Py_DECREF((PyObject *)d);
    return -1;
}

LX_NOINLINE static int
lx_keep(PyObject *obj)
{
    PyObject *volatile o = obj;

    if (lx_nkept >= LX_KEPT_MAX) {
        PyErr_SetString(PyExc_IndexError, "leakext.keep: lx_kept is full");
        return -1;
    }
    Py_INCREF((PyObject *)o);
    lx_kept[lx_nkept++] = (PyObject *)o;
    return 0;
}

LX_NOINLINE static int
lx_keep_text(PyObject *obj)
{
    PyObject *volatile o = obj;
    const char *text;

    if (lx_ntext >= LX_TEXT_MAX) {
        PyErr_SetString(PyExc_IndexError, "leakext.keep_text: lx_text is full");
        return -1;
    }
    if (PyUnicode_Check((PyObject *)o))
        text = PyUnicode_AsUTF8((PyObject *)o);
    else if (PyBytes_Check((PyObject *)o))
        text = PyBytes_AS_STRING((PyObject *)o);
    else {
        PyErr_SetString(PyExc_TypeError, "leakext.keep_text: str or bytes");
        return -1;
    }
    if (text == NULL)
        return -1;
    Py_INCREF((PyObject *)o);       /* never dropped: the text stays valid */
    lx_text[lx_ntext++] = text;
    return 0;
}

LX_NOINLINE static PyObject *
lx_call(PyObject *fn, PyObject *args, PyObject *kwargs)
{
    PyObject *volatile f = fn;
    return PyObject_Call((PyObject *)f, args, kwargs);
}

LX_NOINLINE static void
lx_import_leak(void)
{
    void *volatile p = malloc(77);
    if (p != NULL) {
        memset((void *)p, 0x77, 77);
        LX_ESCAPE((void *)p);
    }
    p = NULL;
}

/* ---- Python-callable wrappers ---------------------------------------- */

static int
lx_size_arg(PyObject *arg, size_t *out)
{
    Py_ssize_t n = PyLong_AsSsize_t(arg);

    if (n == -1 && PyErr_Occurred())
        return -1;
    if (n < 0) {
        PyErr_SetString(PyExc_ValueError, "size must be >= 0");
        return -1;
    }
    *out = (size_t)n;
    return 0;
}

static PyObject *
leakext_leak_address(PyObject *self, PyObject *arg)
{
    size_t n;

    (void)self;
    if (lx_size_arg(arg, &n) < 0)
        return NULL;
    void *p = lx_leak_addr(n);
    if (p == NULL)
        return PyErr_NoMemory();
    return PyLong_FromVoidPtr(p);
}

static PyObject *
leakext_leak_arena_pool(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    if (lx_arena_pool() < 0)
        return PyErr_Occurred() ? NULL : PyErr_NoMemory();
    Py_RETURN_NONE;
}

static PyObject *
leakext_leak_covering(PyObject *self, PyObject *arg)
{
    size_t a;

    (void)self;
    if (lx_size_arg(arg, &a) < 0)
        return NULL;
    return PyBool_FromLong(lx_leak_covering((uintptr_t)a));
}

static PyObject *
leakext_leak_bytes(PyObject *self, PyObject *arg)
{
    size_t n;

    (void)self;
    if (lx_size_arg(arg, &n) < 0)
        return NULL;
    lx_leak_bytes(n);
    Py_RETURN_NONE;
}

static PyObject *
leakext_leak_struct(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    if (lx_leak_struct() < 0)
        return PyErr_NoMemory();
    Py_RETURN_NONE;
}

static PyObject *
leakext_leak_pymem(PyObject *self, PyObject *arg)
{
    size_t n;

    (void)self;
    if (lx_size_arg(arg, &n) < 0)
        return NULL;
    if (lx_leak_pymem(n) < 0)
        return PyErr_NoMemory();
    Py_RETURN_NONE;
}

static PyObject *
leakext_incref_leak(PyObject *self, PyObject *obj)
{
    (void)self;
    lx_extra_incref(obj);
    Py_RETURN_NONE;
}

static PyObject *
leakext_make_dict_leak(PyObject *self, PyObject *arg)
{
    size_t n;

    (void)self;
    if (lx_size_arg(arg, &n) < 0)
        return NULL;
    if (lx_dict_leak((Py_ssize_t)n) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
leakext_keep(PyObject *self, PyObject *obj)
{
    (void)self;
    if (lx_keep(obj) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
leakext_call(PyObject *self, PyObject *args, PyObject *kwargs)
{
    Py_ssize_t nargs = PyTuple_GET_SIZE(args);
    PyObject *rest, *result;

    (void)self;
    if (nargs < 1) {
        PyErr_SetString(PyExc_TypeError,
                        "leakext.call() needs a callable argument");
        return NULL;
    }
    rest = PyTuple_GetSlice(args, 1, nargs);
    if (rest == NULL)
        return NULL;
    result = lx_call(PyTuple_GET_ITEM(args, 0), rest, kwargs);
    Py_DECREF(rest);
    return result;
}

static PyObject *
leakext_leak_in_thread_nogil(PyObject *self, PyObject *arg)
{
    size_t n;

    (void)self;
    if (lx_size_arg(arg, &n) < 0)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    lx_leak_bytes(n);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

/* A leak checker treats stale copies of a pointer in dead parts of the
   C stack as references (memcheck does too).  The interpreter's own C
   frames leave padding and unused slots unwritten, so a stack that was
   once deep can keep a leaked pointer "reachable" until exit, depending
   on the address-space layout of the run.  Tests call this after
   leaking: it zeroes 64 KiB below the caller's frame, as the C tests'
   clobber_stack() does. */
LX_NOINLINE static void
lx_clobber_stack(void)
{
    volatile char buf[65536];
    memset((char *)buf, 0, sizeof buf);
    LX_ESCAPE((void *)buf);
}

static PyObject *
leakext_point_inside(PyObject *self, PyObject *arg)
{
    (void)self;
    lx_inside = (const char *)arg + 20;
    Py_RETURN_NONE;
}

static PyObject *
leakext_point_before(PyObject *self, PyObject *args)
{
    PyObject *obj;
    Py_ssize_t n;
    (void)self;
    if (!PyArg_ParseTuple(args, "On", &obj, &n))
        return NULL;
    lx_before = (const char *)obj - n;
    Py_RETURN_NONE;
}

/* version_word_leak(): mallocs 8192 bytes and forgets them, and returns
   a new empty dict whose version tag (the word after ma_used: 3.10-3.13
   ma_version_tag, 3.14+ _ma_watcher_tag, a counter) holds the
   4096-aligned address inside that block, as a dict's counter can by
   chance (its low 12 bits, the watcher bits, stay 0).  The block has no
   pointer to it: definitely lost.  The caller must not modify the dict
   (a mutation writes a new version). */
LX_NOINLINE static void *
lx_leak_8k(void)
{
    void *volatile p = malloc(8192);
    if (p != NULL)
        memset((void *)p, 0, 8192);
    return (void *)p;
}

static PyObject *
leakext_version_word_leak(PyObject *self, PyObject *noargs)
{
    (void)self; (void)noargs;
    PyObject *d = PyDict_New();
    char *p = lx_leak_8k();
    if (d == NULL || p == NULL)
        return d;
    uintptr_t v = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
    memcpy((char *)&((PyDictObject *)d)->ma_used + sizeof(Py_ssize_t),
           &v, sizeof v);
    p = NULL;
    return d;
}

static PyObject *
leakext_keep_text(PyObject *self, PyObject *arg)
{
    if (lx_keep_text(arg) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
leakext_kept(PyObject *self, PyObject *arg)
{
    Py_ssize_t i = PyLong_AsSsize_t(arg);
    if (i == -1 && PyErr_Occurred())
        return NULL;
    if (i < 0 || i >= lx_nkept) {
        PyErr_SetString(PyExc_IndexError, "leakext.kept: no such entry");
        return NULL;
    }
    Py_INCREF(lx_kept[i]);
    return lx_kept[i];
}

static PyObject *
leakext_leak_check(PyObject *self, PyObject *arg)
{
    const char *label = PyUnicode_AsUTF8(arg);
    if (label == NULL)
        return NULL;
    PYLEAK_LEAK_CHECK(label);
    Py_RETURN_NONE;
}

static PyObject *
leakext_clobber_stack(PyObject *self, PyObject *noargs)
{
    lx_clobber_stack();
    Py_RETURN_NONE;
}

/* ---- leak_new: one constructor each --------------------------------- */

/* Each returns a new reference, which leak_new() forgets. */
LX_NOINLINE static PyObject *
lx_new_list(void)
{
    PyObject *l = PyList_New(3);
    if (l != NULL)
        for (Py_ssize_t i = 0; i < 3; i++)
            PyList_SET_ITEM(l, i, PyLong_FromLong((long)i));
    return l;
}

LX_NOINLINE static PyObject *
lx_new_tuple(void)
{
    PyObject *t = PyTuple_New(2);
    if (t != NULL) {
        PyTuple_SET_ITEM(t, 0, PyLong_FromLong(1));
        PyTuple_SET_ITEM(t, 1, PyLong_FromLong(2));
    }
    return t;
}

LX_NOINLINE static PyObject *
lx_new_dict(void)
{
    PyObject *d = PyDict_New();
    if (d != NULL && PyDict_SetItemString(d, "k", Py_None) < 0)
        Py_CLEAR(d);
    return d;
}

LX_NOINLINE static PyObject *
lx_new_float(void)
{
    return PyFloat_FromDouble(2.5);
}

LX_NOINLINE static PyObject *
lx_new_int(void)
{
    return PyLong_FromLong(123456);
}

LX_NOINLINE static PyObject *
lx_new_slice(void)
{
    PyObject *a = PyLong_FromLong(1), *b = PyLong_FromLong(9);
    PyObject *s = (a && b) ? PySlice_New(a, b, NULL) : NULL;
    Py_XDECREF(a);
    Py_XDECREF(b);
    return s;
}

LX_NOINLINE static PyObject *
lx_new_method(PyObject *self)
{
    /* A bound method of the module's own function object. */
    PyObject *fn = PyObject_GetAttrString(self, "kept");
    PyObject *m = fn ? PyMethod_New(fn, self) : NULL;
    Py_XDECREF(fn);
    return m;
}

LX_NOINLINE static PyObject *
lx_new_cell(void)
{
    return PyCell_New(Py_None);
}

LX_NOINLINE static PyObject *
lx_new_build_list(void)
{
    return Py_BuildValue("[ii]", 1, 2);
}

LX_NOINLINE static PyObject *
lx_new_build_tuple(void)
{
    return Py_BuildValue("(is)", 1, "x");
}

LX_NOINLINE static PyObject *
lx_new_build_dict(void)
{
    return Py_BuildValue("{s:i}", "k", 1);
}

static PyObject *
leakext_leak_new(PyObject *self, PyObject *arg)
{
    const char *k = PyUnicode_AsUTF8(arg);
    PyObject *volatile o;

    if (k == NULL)
        return NULL;
    if (strcmp(k, "list") == 0) o = lx_new_list();
    else if (strcmp(k, "tuple") == 0) o = lx_new_tuple();
    else if (strcmp(k, "dict") == 0) o = lx_new_dict();
    else if (strcmp(k, "float") == 0) o = lx_new_float();
    else if (strcmp(k, "int") == 0) o = lx_new_int();
    else if (strcmp(k, "slice") == 0) o = lx_new_slice();
    else if (strcmp(k, "method") == 0) o = lx_new_method(self);
    else if (strcmp(k, "cell") == 0) o = lx_new_cell();
    else if (strcmp(k, "build_list") == 0) o = lx_new_build_list();
    else if (strcmp(k, "build_tuple") == 0) o = lx_new_build_tuple();
    else if (strcmp(k, "build_dict") == 0) o = lx_new_build_dict();
    else {
        PyErr_Format(PyExc_ValueError, "leak_new: unknown kind %R", arg);
        return NULL;
    }
    if (o == NULL)
        return NULL;
    LX_ESCAPE((void *)o);
    o = NULL;                   /* the reference is forgotten */
    Py_RETURN_NONE;
}

static PyMethodDef leakext_methods[] = {
    {"kept", leakext_kept, METH_O,
     "kept(i): the i-th object stored by keep()."},
    {"leak_check", leakext_leak_check, METH_O,
     "leak_check(label): ask pyleak for a leak check now (no-op elsewhere)."},
    {"clobber_stack", leakext_clobber_stack, METH_NOARGS,
     "clobber_stack(): zero 64 KiB of dead C stack below the caller."},
    {"leak_address", leakext_leak_address, METH_O,
     "leak_address(n): malloc(n), return its address, drop it."},
    {"leak_arena_pool", leakext_leak_arena_pool, METH_NOARGS,
     "leak_arena_pool(): compile f(1) with parser arenas from a pool, leak it."},
    {"leak_covering", leakext_leak_covering, METH_O,
     "leak_covering(addr): leak a 64 KiB block covering addr if possible."},
    {"leak_bytes", leakext_leak_bytes, METH_O,
     "leak_bytes(n): malloc(n) and drop it (n bytes definitely lost)."},
    {"leak_struct", leakext_leak_struct, METH_NOARGS,
     "leak_struct(): drop a 48-byte struct pointing to a 100-byte child."},
    {"leak_pymem", leakext_leak_pymem, METH_O,
     "leak_pymem(n): PyMem_Malloc(n) and drop it."},
    {"incref_leak", leakext_incref_leak, METH_O,
     "incref_leak(obj): one extra Py_INCREF on obj (a leaked reference)."},
    {"make_dict_leak", leakext_make_dict_leak, METH_O,
     "make_dict_leak(n): build a dict of n items and never release it."},
    {"keep", leakext_keep, METH_O,
     "keep(obj): store a new reference in the C static array lx_kept."},
    {"point_inside", leakext_point_inside, METH_O,
     "point_inside(obj): the static lx_inside points 20 bytes into obj."},
    {"point_before", leakext_point_before, METH_VARARGS,
     "point_before(obj, n): the static lx_before points n bytes before obj."},
    {"version_word_leak", leakext_version_word_leak, METH_NOARGS,
     "version_word_leak(): leak 8 KB; a new dict whose version word "
     "holds an address inside them."},
    {"keep_text", leakext_keep_text, METH_O,
     "keep_text(obj): keep a str's or bytes' text pointer in lx_text."},
    {"call", (PyCFunction)(void (*)(void))leakext_call,
     METH_VARARGS | METH_KEYWORDS,
     "call(fn, *args, **kwargs): return fn(*args, **kwargs), called from C."},
    {"leak_new", leakext_leak_new, METH_O,
     "leak_new(kind): make one object with a C API constructor, leak it."},
    {"leak_in_thread_nogil", leakext_leak_in_thread_nogil, METH_O,
     "leak_in_thread_nogil(n): leak_bytes(n) with the GIL released."},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef leakext_module = {
    PyModuleDef_HEAD_INIT,
    "leakext",
    "A deliberately leaky extension for pyleak's regression tests.",
    -1,
    leakext_methods,
    NULL, NULL, NULL, NULL
};

PyMODINIT_FUNC
PyInit_leakext(void)
{
    if (getenv("LEAKEXT_IMPORT_LEAK") != NULL)
        lx_import_leak();
    return PyModule_Create(&leakext_module);
}
