/* rusage_exec [-e ERRFILE] PROG ARGS...: run PROG and print its rusage as
   one line:
       <wait status> <user s> <sys s> <max RSS KiB>
   bench/run uses this instead of forking the command itself because on
   Linux ru_maxrss survives exec: a child forked from the ~14 MB Python
   driver would never report a peak RSS below ~14 MB, hiding the real peak
   of small native programs.  Forked from this ~1 MB process, the floor is
   negligible.  The command's stdin and stdout are /dev/null; its stderr
   is ERRFILE if given (so a failure can be diagnosed), else /dev/null. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static double secs(struct timeval tv) { return tv.tv_sec + tv.tv_usec / 1e6; }

int main(int argc, char **argv)
{
   const char *errfile = "/dev/null";
   if (argc > 2 && argv[1][0] == '-' && argv[1][1] == 'e' && !argv[1][2]) {
      errfile = argv[2];
      argv += 2;
      argc -= 2;
   }
   if (argc < 2) {
      fprintf(stderr, "usage: rusage_exec [-e ERRFILE] PROG [ARGS...]\n");
      return 2;
   }
   pid_t pid = fork();
   if (pid < 0) { perror("rusage_exec: fork"); return 2; }
   if (pid == 0) {
      int null = open("/dev/null", O_RDWR);
      int err = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(null, 0); dup2(null, 1); dup2(err < 0 ? null : err, 2);
      execvp(argv[1], argv + 1);
      _exit(127);                         /* like a shell: not found/exec */
   }
   int status;
   struct rusage ru;
   if (wait4(pid, &status, 0, &ru) < 0) { perror("rusage_exec: wait4"); return 2; }
   printf("%d %.6f %.6f %ld\n", status, secs(ru.ru_utime), secs(ru.ru_stime),
          ru.ru_maxrss);
   return 0;
}
