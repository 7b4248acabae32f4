#include "cli/commands.h"

int main(int argc, char** argv) { return labq::RunLabq(argc, argv); }
