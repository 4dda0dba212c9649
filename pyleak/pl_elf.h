/* pyleak: a small ELF file reader (pl_elf.c).
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later. */

#ifndef __PL_ELF_H
#define __PL_ELF_H

#include <elf.h>
#include "pub_tool_basics.h"

typedef struct {
   Int         fd;
   Elf64_Ehdr  eh;
   Elf64_Shdr* sh;          /* all section headers */
   HChar*      shstr;       /* section name strings */
   ULong       shstr_sz;
   Elf64_Phdr* ph;          /* program headers (n_ph of them) */
   Int         n_ph;
} PL_ElfFile;

/* A defined .dynsym symbol, if found. */
typedef struct { Bool def; Elf64_Sym sym; } PL_ElfSym;

Bool pl_elf_open  ( const HChar* path, /*OUT*/PL_ElfFile* f );
void pl_elf_close ( PL_ElfFile* f );
Bool pl_elf_read  ( const PL_ElfFile* f, ULong off, void* buf, SizeT n );
const Elf64_Shdr* pl_elf_section ( const PL_ElfFile* f, const HChar* name );
/* Look N_NAMES names up in .dynsym in one pass (defined symbols only). */
void pl_elf_dynsyms ( const PL_ElfFile* f, const HChar* const* names,
                      Int n_names, /*OUT*/PL_ElfSym* out );
/* The same in another symbol table (".symtab": absent when stripped). */
void pl_elf_syms ( const PL_ElfFile* f, const HChar* table,
                   const HChar* const* names, Int n_names,
                   /*OUT*/PL_ElfSym* out );
/* Read SZ bytes at link-time address VADDR from the file's sections. */
Bool pl_elf_read_vaddr ( const PL_ElfFile* f, Addr vaddr, void* buf,
                         SizeT sz );

/* The path of the separate debug file named by the build ID (not
   checked to exist); False without a build ID. */
Bool pl_elf_debug_file ( const PL_ElfFile* f, /*OUT*/HChar* path, SizeT sz );

#endif /* __PL_ELF_H */
