# -*- Python -*- lit configuration for tfc's IR, driver and end-to-end tests.
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "TFC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tfc_obj_root, "test")
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(["tfc-opt", "tfc"], [config.tfc_tools_dir])
config.substitutions.append(("%tfc_bin", os.path.join(config.tfc_tools_dir, "tfc")))

# Debian's python with numpy/torch (the first python3 on PATH may lack them).
config.substitutions.append(("%python", config.tfc_python))
config.substitutions.append(("%tfc_src", config.tfc_src_root))
config.substitutions.append(("%scripts", os.path.join(config.tfc_src_root, "scripts")))
