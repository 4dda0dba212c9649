/* pyleak: reading the ELF files of the objects mapped in the client.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   The detector (pl_python.c) reads section headers and .dynsym, which
   Valgrind's own symbol table does not fully keep; the scan
   (pl_scan.c) reads program headers to know which bytes of a writable
   file mapping are data.  Files are read with the core's file calls;
   sizes are bounded so that a damaged file costs an answer, not the
   run. */

#include "pub_tool_basics.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_vki.h"
#include "pl_elf.h"

/*------------------------------------------------------------*/
/*--- Reading an object file                              ---*/
/*------------------------------------------------------------*/

Bool pl_elf_read ( const PL_ElfFile* f, ULong off, void* buf, SizeT n )
{
   Int fd = f->fd;
   if (VG_(lseek)(fd, (Off64T)off, VKI_SEEK_SET) != (Off64T)off)
      return False;
   SizeT done = 0;
   while (done < n) {
      Int r = VG_(read)(fd, (HChar*)buf + done, (Int)(n - done));
      if (r <= 0) return False;
      done += r;
   }
   return True;
}

void pl_elf_close ( PL_ElfFile* f )
{
   if (f->sh)    VG_(free)(f->sh);
   if (f->shstr) VG_(free)(f->shstr);
   if (f->ph)    VG_(free)(f->ph);
   if (f->fd >= 0) VG_(close)(f->fd);
}

Bool pl_elf_open ( const HChar* path, PL_ElfFile* f )
{
   VG_(memset)(f, 0, sizeof *f);
   f->fd = -1;
   SysRes r = VG_(open)(path, VKI_O_RDONLY, 0);
   if (sr_isError(r)) return False;
   f->fd = sr_Res(r);
   if (!pl_elf_read(f, 0, &f->eh, sizeof f->eh)
       || VG_(memcmp)(f->eh.e_ident, ELFMAG, SELFMAG) != 0
       || f->eh.e_ident[EI_CLASS] != ELFCLASS64
       || f->eh.e_shentsize != sizeof(Elf64_Shdr)
       || f->eh.e_shnum == 0 || f->eh.e_shnum > 4096
       || f->eh.e_shstrndx >= f->eh.e_shnum) {
      pl_elf_close(f);
      return False;
   }
   SizeT shsz = f->eh.e_shnum * sizeof(Elf64_Shdr);
   f->sh = VG_(malloc)("pl.elf.sh", shsz);
   if (!pl_elf_read(f, f->eh.e_shoff, f->sh, shsz)) {
      pl_elf_close(f);
      return False;
   }
   const Elf64_Shdr* s = &f->sh[f->eh.e_shstrndx];
   if (s->sh_size == 0 || s->sh_size > (1 << 20)) { pl_elf_close(f); return False; }
   f->shstr_sz = s->sh_size;
   f->shstr = VG_(malloc)("pl.elf.shstr", s->sh_size + 1);
   if (!pl_elf_read(f, s->sh_offset, f->shstr, s->sh_size)) {
      pl_elf_close(f);
      return False;
   }
   f->shstr[s->sh_size] = '\0';
   if (f->eh.e_phentsize == sizeof(Elf64_Phdr) && f->eh.e_phnum > 0
       && f->eh.e_phnum < 256) {
      SizeT phsz = f->eh.e_phnum * sizeof(Elf64_Phdr);
      f->ph = VG_(malloc)("pl.elf.ph", phsz);
      if (pl_elf_read(f, f->eh.e_phoff, f->ph, phsz))
         f->n_ph = f->eh.e_phnum;
   }
   return True;
}

const Elf64_Shdr* pl_elf_section ( const PL_ElfFile* f, const HChar* name )
{
   for (UInt i = 0; i < f->eh.e_shnum; i++)
      if (f->sh[i].sh_name < f->shstr_sz
          && VG_(strcmp)(f->shstr + f->sh[i].sh_name, name) == 0)
         return &f->sh[i];
   return NULL;
}

void pl_elf_dynsyms ( const PL_ElfFile* f, const HChar* const* names, Int n_names,
                      /*OUT*/PL_ElfSym* out )
{
   pl_elf_syms(f, ".dynsym", names, n_names, out);
}

void pl_elf_syms ( const PL_ElfFile* f, const HChar* table,
                   const HChar* const* names, Int n_names,
                   /*OUT*/PL_ElfSym* out )
{
   VG_(memset)(out, 0, n_names * sizeof(PL_ElfSym));
   const Elf64_Shdr* ds = pl_elf_section(f, table);
   if (ds == NULL || ds->sh_link >= f->eh.e_shnum
       || ds->sh_entsize != sizeof(Elf64_Sym)
       || ds->sh_size > (64 << 20))
      return;
   const Elf64_Shdr* st = &f->sh[ds->sh_link];
   if (st->sh_size > (64 << 20)) return;
   Elf64_Sym* syms = VG_(malloc)("pl.elf.dynsym", ds->sh_size);
   HChar*     strs = VG_(malloc)("pl.elf.dynstr", st->sh_size + 1);
   if (pl_elf_read(f, ds->sh_offset, syms, ds->sh_size)
       && pl_elf_read(f, st->sh_offset, strs, st->sh_size)) {
      strs[st->sh_size] = '\0';
      UInt n = ds->sh_size / sizeof(Elf64_Sym);
      for (UInt i = 0; i < n; i++) {
         if (syms[i].st_shndx == SHN_UNDEF || syms[i].st_name >= st->sh_size)
            continue;
         const HChar* nm = strs + syms[i].st_name;
         for (Int k = 0; k < n_names; k++)
            if (!out[k].def && VG_(strcmp)(nm, names[k]) == 0) {
               out[k].def = True;
               out[k].sym = syms[i];
            }
      }
   }
   VG_(free)(syms);
   VG_(free)(strs);
}

/* Read SZ bytes at link-time address VADDR from the file. */
Bool pl_elf_read_vaddr ( const PL_ElfFile* f, Addr vaddr, void* buf, SizeT sz )
{
   for (UInt i = 0; i < f->eh.e_shnum; i++) {
      const Elf64_Shdr* s = &f->sh[i];
      if (s->sh_type == SHT_NOBITS || s->sh_addr == 0) continue;
      if (vaddr >= s->sh_addr && vaddr + sz <= s->sh_addr + s->sh_size)
         return pl_elf_read(f, s->sh_offset + (vaddr - s->sh_addr), buf, sz);
   }
   return False;
}


/* Distributions strip their binaries and ship the symbol tables in a
   separate file named after the build ID (Debian's and Ubuntu's -dbg
   and -dbgsym packages, Fedora's debuginfo):
   /usr/lib/debug/.build-id/NN/NNNN....debug. */
Bool pl_elf_debug_file ( const PL_ElfFile* f, /*OUT*/HChar* path, SizeT sz )
{
   const Elf64_Shdr* s = pl_elf_section(f, ".note.gnu.build-id");
   UChar note[12 + 4 + 64];
   if (s == NULL || s->sh_size < 16 || s->sh_size > sizeof note
       || !pl_elf_read(f, s->sh_offset, note, s->sh_size))
      return False;
   UInt namesz, descsz, type;
   VG_(memcpy)(&namesz, note, 4);
   VG_(memcpy)(&descsz, note + 4, 4);
   VG_(memcpy)(&type, note + 8, 4);
   SizeT desc = 12 + ((namesz + 3) & ~3U);
   if (type != NT_GNU_BUILD_ID || namesz != 4 || descsz < 2
       || desc + descsz > s->sh_size || 24 + 2 * descsz + 7 > sz)
      return False;
   SizeT n = VG_(sprintf)(path, "/usr/lib/debug/.build-id/%02x/",
                          note[desc]);
   for (UInt i = 1; i < descsz; i++)
      n += VG_(sprintf)(path + n, "%02x", note[desc + i]);
   VG_(strcpy)(path + n, ".debug");
   return True;
}
