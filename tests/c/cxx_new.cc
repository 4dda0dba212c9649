// cxx_new: C++ allocation operators.  One definite leak per operator, each
// in its own function (leak_X < main):
//
//   new Obj111                      111 bytes  operator new(size_t)
//   new char[222]                   222        operator new[](size_t)
//   new (std::nothrow) char[333]    333        operator new[](size_t, nothrow_t const&)
//   new A64   (alignas(64), 320 B)  320        operator new(size_t, align_val_t)
//   new A64[2]                      640        operator new[](size_t, align_val_t)
//                                              (trivial destructor: no array cookie)
//
// Not leaked: a new Obj111 released with sized delete (operator
// delete(void*, size_t)), an A64 released with aligned sized delete, and a
// new char[] released with delete[].  No exceptions are thrown and no
// iostreams are used.  libstdc++'s emergency exception pool (72704 bytes,
// allocated when libstdc++ is loaded) is freed at exit by Valgrind's
// --run-cxx-freeres=yes (the default), so it does not show up at exit; a
// tool that does not run __gnu_cxx::__freeres would see it as "still
// reachable".
//
// Expected at exit: definite 1626 bytes in 5 blocks (111+222+333+320+640),
// nothing else.
#include <new>
#include "leaktest.h"

struct Obj111 { char c[111]; };
struct alignas(64) A64 { char c[320]; };

static NOINLINE void leak_new(void)
{
   Obj111 *volatile p = new Obj111;
   p->c[0] = 1;
   p = nullptr;
}

static NOINLINE void leak_new_array(void)
{
   char *volatile p = new char[222];
   p[0] = 1;
   p = nullptr;
}

static NOINLINE void leak_new_nothrow(void)
{
   char *volatile p = new (std::nothrow) char[333];
   p[0] = 1;
   p = nullptr;
}

static NOINLINE void leak_aligned_new(void)
{
   A64 *volatile p = new A64;
   p->c[0] = 1;
   p = nullptr;
}

static NOINLINE void leak_aligned_new_array(void)
{
   A64 *volatile p = new A64[2];
   p[1].c[0] = 1;
   p = nullptr;
}

static NOINLINE void no_leaks(void)
{
   Obj111 *o = new Obj111;
   delete o;                 // sized delete: _ZdlPvm
   A64 *a = new A64;
   delete a;                 // _ZdlPvmSt11align_val_t
   char *c = new char[77];
   delete[] c;               // _ZdaPv
}

int main()
{
   leak_new();
   leak_new_array();
   leak_new_nothrow();
   leak_aligned_new();
   leak_aligned_new_array();
   no_leaks();
   clobber_stack();
   return 0;
}
