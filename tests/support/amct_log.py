"""The AMCT log of the vendor FAQ's example (a replace_add_pass rename, then searchN), as tests write it."""

from __future__ import annotations

FAQ_LOG = (
    "2020-09-01 09:31:04,896 - WARNING - [AMCT]:[replace_add_pass]: Replace ADD at the end of the network! "
    "You need to replace the old output node by the new output node in inference process! \n"
    ">>>>>>>>>>>>>>>>>>>>>>>>>>>>>>The name of the old output node is 'Add:0'\n"
    "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<The name of the new output node is 'bias_add/BiasAdd:0'\n"
    "2020-09-01 09:31:04,979 - WARNING - [AMCT]:[quantize_model]: Insert searchN operator at the end of the "
    "network! You need to replace the old output node by the new output node in inference process! \n"
    ">>>>>>>>>>>>>>>>>>>>>>>>>>>>>>The name of the old output node is 'bias_add/BiasAdd:0'\n"
    "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<The name of the new output node is 'search_n_quant_1/Identity:0'\n"
)
