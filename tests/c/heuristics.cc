// memcheck's --leak-check-heuristics (pyleak/pl_scan.c): blocks whose
// only pointer is an interior pointer of a common C++ or C idiom are
// "still reachable" via the heuristic when it is on (memcheck's default:
// all of them), "possibly lost" when it is off.  Each block is kept by
// a global that holds the interior pointer:
//   stdstring            a pre-C++11 (copy-on-write) std::string's
//                        characters: 3 words + capacity + 1 bytes
//   length64             8 bytes into a block whose first 8 bytes are
//                        the size of the rest (sqlite's allocations)
//   newarray             new[] of 3 objects with a destructor: the
//                        pointer is one word past the element count
//   multipleinheritance  a C* seen as its second base B*
// The bytes come from the program: a 40-character string (block 24 +
// 40 + 1 = 65), length64 8 + 23 = 31, newarray 8 + 3 * sizeof(Elt) =
// 20, multipleinheritance sizeof(C) = 16.
#define _GLIBCXX_USE_CXX11_ABI 0
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include "memcheck.h"
#include "leaktest.h"

struct Elt { int x; ~Elt() { x = 0; } };
struct A { virtual ~A() {} };
struct B { virtual ~B() {} };
struct C : public A, public B { };

std::string cow;
void*       len64;
Elt*        elts;
B*          second_base;

static NOINLINE void make_blocks ( void )
{
   cow = std::string(40, 'x');
   uint64_t* p = (uint64_t*)malloc(8 + 23);
   *p = 23;
   len64 = p + 1;
   elts = new Elt[3];
   second_base = new C;
}

int main ( void )
{
   make_blocks();
   clobber_stack();
   std::printf("sizes %zu %zu\n", sizeof(Elt), sizeof(C));
   VALGRIND_DO_LEAK_CHECK;
   return 0;
}
