# -*- Python -*- lit configuration for tfc's GoogleTest unit tests.
import os

import lit.formats

config.name = "TFC-Unit"
config.suffixes = []
config.test_exec_root = os.path.join(config.tfc_obj_root, "test", "Unit")
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
config.environment["TFC_SRC_ROOT"] = config.tfc_src_root
