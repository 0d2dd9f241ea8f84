#include "funcdata.h"

// func growStack(): an 8 KiB frame without pointers; see stack_grow.go.
TEXT ·growStack(SB),0,$8192-0
	NO_LOCAL_POINTERS
	RET
