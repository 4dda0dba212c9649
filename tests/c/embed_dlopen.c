/* embed_dlopen: a C program that embeds CPython by loading libpython at
   run time, as plug-in hosts do.  pyleak sees no interpreter at start and
   must find it when the library appears, then give the Python stack of a
   leak made by Python code run through PyRun_SimpleString.

   usage: embed_dlopen PYTHON EXTDIR
   PYTHON is an interpreter whose libpython (LIBDIR/INSTSONAME) and home
   (sys.base_prefix) are asked for -- by a child process, which Valgrind
   does not follow -- and EXTDIR holds the leakext test extension.  The
   embedded code leaks 4321 bytes through leakext.leak_bytes from the
   Python function embedded_work, then the interpreter is finalised. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void ask(const char *python, char *lib, char *home, size_t n)
{
   char cmd[4096];
   snprintf(cmd, sizeof cmd,
            "%s -c 'import os, sys, sysconfig; "
            "print(os.path.join(sysconfig.get_config_var(\"LIBDIR\"), "
            "sysconfig.get_config_var(\"INSTSONAME\"))); "
            "print(sys.base_prefix)'", python);
   FILE *p = popen(cmd, "r");
   if (p == NULL || fgets(lib, (int)n, p) == NULL || fgets(home, (int)n, p) == NULL) {
      fprintf(stderr, "embed_dlopen: cannot ask %s\n", python);
      exit(2);
   }
   pclose(p);
   lib[strcspn(lib, "\n")] = 0;
   home[strcspn(home, "\n")] = 0;
}

int main(int argc, char **argv)
{
   char lib[2048], home[2048], code[4096];
   if (argc != 3) {
      fprintf(stderr, "usage: embed_dlopen PYTHON EXTDIR\n");
      return 2;
   }
   ask(argv[1], lib, home, sizeof lib);
   setenv("PYTHONHOME", home, 1);

   void *h = dlopen(lib, RTLD_NOW | RTLD_GLOBAL);
   if (h == NULL) {
      fprintf(stderr, "embed_dlopen: %s\n", dlerror());
      return 2;
   }
   void (*initialize)(void) = (void (*)(void))dlsym(h, "Py_Initialize");
   int (*run)(const char *) = (int (*)(const char *))dlsym(h, "PyRun_SimpleString");
   int (*finalize)(void) = (int (*)(void))dlsym(h, "Py_FinalizeEx");
   if (!initialize || !run || !finalize) {
      fprintf(stderr, "embed_dlopen: %s lacks the embedding API\n", lib);
      return 2;
   }
   initialize();
   snprintf(code, sizeof code,
            "import sys\n"
            "sys.path.insert(0, '%s')\n"
            "import leakext\n"
            "def embedded_work():\n"
            "    leakext.leak_bytes(4321)\n"
            "embedded_work()\n"
            "leakext.clobber_stack()\n", argv[2]);
   int rc = run(code);
   if (finalize() < 0)
      rc = 1;
   return rc == 0 ? 0 : 1;
}
