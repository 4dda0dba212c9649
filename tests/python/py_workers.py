# Worker processes and threads that do nothing wrong (py_workers.vgtest):
# a multiprocessing.Pool(2) (fork: its workers end with os._exit, or are
# killed by the pool's terminate() with SIGTERM), a ThreadPoolExecutor
# whose threads are joined, and a thread still running at exit.  No
# process may report a leak.
import concurrent.futures
import multiprocessing
import threading
import time


def square(x):
    return x * x


def pool_work():
    with multiprocessing.get_context("fork").Pool(2) as pool:
        return sum(pool.map(square, range(50)))


def thread_work():
    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        return sum(ex.map(square, range(50)))


def main():
    print(pool_work(), thread_work())
    threading.Thread(target=time.sleep, args=(30,), daemon=True).start()


main()
