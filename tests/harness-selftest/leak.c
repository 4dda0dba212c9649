/* The program fake-valgrind pretends to have run: its frames name */
#include <stdlib.h>
/* leak_one (line 5) and main (line 9), which filter_stderr keeps, as
   it keeps the line numbers of every source file of the project. */
void *leak_one(void) { return malloc(10); }

int main(void)
{
   leak_one();
   return 0;
}
