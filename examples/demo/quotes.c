/* quotes: the C extension of pyleak's quick-start demo (service.py).
 *
 *   quotes.parse("ACME,12.5")       -> ("ACME", 12.5)
 *   quotes.parse('"BRK.B",412.25')  -> ("BRK.B", 412.25)
 *
 * It has the kind of bug pyleak is for: a quoted symbol is unquoted into
 * a scratch buffer, and the branch that handles it returns without
 * freeing it.  Every quoted line loses SCRATCH_SIZE bytes, which pyleak
 * reports as definitely lost, allocated in unquote() called from
 * quotes_parse(), under the Python function that called parse().
 *
 * Plain CPython API (3.10 and later), no build system: the quick start
 * compiles it with gcc against the interpreter's own headers. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdlib.h>
#include <string.h>

#define SCRATCH_SIZE 64         /* longest symbol + 1 */

/* Copies the symbol between the quotes of s[0..n) into a new buffer. */
static char *
unquote(const char *s, size_t n)
{
    char *buf = malloc(SCRATCH_SIZE);
    size_t len;

    if (buf == NULL)
        return NULL;
    len = n >= 2 ? n - 2 : 0;   /* without the two quotes */
    if (len >= SCRATCH_SIZE)
        len = SCRATCH_SIZE - 1;
    memcpy(buf, s + 1, len);
    buf[len] = '\0';
    return buf;
}

static PyObject *
quotes_parse(PyObject *self, PyObject *arg)
{
    Py_ssize_t size;
    const char *line, *comma;
    double price;

    (void)self;
    line = PyUnicode_AsUTF8AndSize(arg, &size);
    if (line == NULL)
        return NULL;
    comma = memchr(line, ',', (size_t)size);
    if (comma == NULL) {
        PyErr_Format(PyExc_ValueError, "no comma in %R", arg);
        return NULL;
    }
    price = strtod(comma + 1, NULL);

    if (line[0] == '"') {
        char *symbol = unquote(line, (size_t)(comma - line));
        if (symbol == NULL)
            return PyErr_NoMemory();
        /* BUG (on purpose): symbol is never freed. */
        return Py_BuildValue("(sd)", symbol, price);
    }
    return Py_BuildValue("(s#d)", line, (Py_ssize_t)(comma - line), price);
}

static PyMethodDef quotes_methods[] = {
    {"parse", quotes_parse, METH_O,
     "parse(line) -> (symbol, price) from 'SYMBOL,PRICE'"},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef quotes_module = {
    PyModuleDef_HEAD_INIT, "quotes", "pyleak's demo extension", -1,
    quotes_methods, NULL, NULL, NULL, NULL
};

PyMODINIT_FUNC
PyInit_quotes(void)
{
    return PyModule_Create(&quotes_module);
}
