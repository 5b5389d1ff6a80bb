"""评价补贴 keeps no records of its own: a claim of the evaluation programme (claims.Claim, programme
"evaluation") names its assessment as source and holds one line per certificate (assessment.Result), each
by the key ``evaluation:<certificate id>`` so that a certificate's evaluation subsidy is paid once,
whoever applies."""
