"""Generates the (gold, response) pairs of Tests/Fixtures/math-corpus/generated.jsonl: answer shapes
MATH-500, AIME and MCLM MATH-100 golds take, each written in equivalent and in wrong forms, in the
styles models answer with. Deterministic (seeded). The reference's verdicts are added afterwards by
running swallow-evaluation-instruct's own extraction and comparison (lighteval fork, with
latex2sympy2_extended 1.0.6, sympy 1.14.0 from its uv.lock) on every line; that code is not here.

    python3 generate.py > cases.jsonl"""
import json
import random

rng = random.Random(20261201)

# (gold as the dataset writes it, forms equal to it, forms that are not)
SHAPES = [
    # integers, separators, negatives
    ("5", ["5", "5.0", "05", "\\text{5}", "{5}", "+5", "5.", "\\mathbf{5}"], ["6", "-5", "50", "0.5"]),
    ("-5", ["-5", "−5", "- 5", "-5.0", "(-5)", "{-5}", "-\\!5"], ["5", "−6", "-4", "\\pm 5"]),
    ("-12", ["-12", "−12", "-12.00", "\\(-12\\)"], ["12", "−21"]),
    ("1000000", ["1000000", "1,000,000", "1\\,000\\,000", "10^6", "10^{6}", "1 000 000", "1{,}000{,}000"], ["100000", "1,000"]),
    ("7425", ["7425", "7,425", "7{,}425", "7\\,425"], ["7.425", "742"]),
    ("2024", ["2024", "2,024", "2024.0"], ["2023", "20.24"]),
    ("0", ["0", "0.0", "-0", "\\text{0}"], ["1", "o"]),
    # decimals
    ("3.5", ["3.5", "3.50", "\\frac{7}{2}", "7/2", "3\\frac{1}{2}", "3.500001"], ["3.4", "35", "3.51"]),
    ("0.25", ["0.25", ".25", "\\frac14", "1/4", "25\\%"], ["0.2", "2.5"]),
    ("2.718", ["2.718", "2.7180"], ["e", "2.72"]),
    # fractions
    ("\\frac{1}{2}", ["\\frac{1}{2}", "\\dfrac{1}{2}", "\\tfrac12", "1/2", "0.5", "\\frac{2}{4}", "\\frac{-1}{-2}", "50\\%"], ["\\frac{1}{3}", "2", "-\\frac{1}{2}"]),
    ("-\\frac{3}{4}", ["-\\frac{3}{4}", "\\frac{-3}{4}", "−\\frac{3}{4}", "-0.75", "-3/4", "\\frac{3}{-4}"], ["\\frac{3}{4}", "-\\frac{4}{3}"]),
    ("\\frac{14}{3}", ["\\frac{14}{3}", "4\\frac{2}{3}", "14/3", "4.66667", "\\dfrac{28}{6}"], ["4.6", "\\frac{3}{14}", "4.67"]),
    ("\\frac{5}{36}", ["\\frac{5}{36}", "5/36", "0.13889"], ["\\frac{5}{6}", "0.139"]),
    ("\\dfrac{9}{4}", ["\\frac{9}{4}", "2.25", "2\\frac{1}{4}", "9/4"], ["\\frac{4}{9}", "2.5"]),
    # mixed numbers
    ("2\\frac{1}{2}", ["2\\frac{1}{2}", "\\frac{5}{2}", "2.5", "2 \\frac{1}{2}"], ["\\frac{2}{2}", "1"]),
    # radicals
    ("3\\sqrt{2}", ["3\\sqrt{2}", "3\\sqrt2", "\\sqrt{18}", "3 \\sqrt{2}", "\\sqrt{2}\\cdot 3", "3*\\sqrt{2}", "4.24264"], ["2\\sqrt{3}", "\\sqrt{6}", "18"]),
    ("2\\sqrt{5}", ["2\\sqrt{5}", "\\sqrt{20}", "2\\sqrt5", "4.47214"], ["5\\sqrt{2}", "\\sqrt{10}"]),
    ("\\frac{\\sqrt{3}}{2}", ["\\frac{\\sqrt{3}}{2}", "\\frac{\\sqrt3}{2}", "\\frac{1}{2}\\sqrt{3}", "\\sqrt{3}/2", "\\frac{3}{2\\sqrt{3}}", "0.86603"], ["\\frac{\\sqrt{2}}{2}", "\\sqrt{3}"]),
    ("\\sqrt[3]{2}", ["\\sqrt[3]{2}", "2^{1/3}", "2^{\\frac{1}{3}}", "1.25992"], ["\\sqrt{2}", "2^{3}"]),
    ("\\frac{1+\\sqrt{5}}{2}", ["\\frac{1+\\sqrt{5}}{2}", "\\frac{\\sqrt{5}+1}{2}", "\\frac12+\\frac{\\sqrt5}{2}", "1.61803"], ["\\frac{1-\\sqrt{5}}{2}"]),
    # pi
    ("\\pi", ["\\pi", "π", "1\\pi", "\\frac{2\\pi}{2}", "3.14159"], ["2\\pi", "3.14", "\\pi^2"]),
    ("100\\pi", ["100\\pi", "100π", "\\pi \\cdot 100", "314.15927"], ["10\\pi", "100"]),
    ("\\frac{\\pi}{3}", ["\\frac{\\pi}{3}", "\\frac{1}{3}\\pi", "\\pi/3", "\\frac{π}{3}", "1.0472"], ["\\frac{\\pi}{6}", "60"]),
    ("2\\pi", ["2\\pi", "2π", "\\pi+\\pi", "6.28319"], ["\\pi", "4\\pi"]),
    ("\\frac{3\\pi}{4}", ["\\frac{3\\pi}{4}", "\\frac34\\pi", "0.75\\pi", "135^\\circ"], ["\\frac{\\pi}{4}"]),
    # degrees
    ("90^\\circ", ["90^\\circ", "90", "90^{\\circ}", "90°", "90\\text{ degrees}", "90\\,^\\circ"], ["45^\\circ", "180"]),
    ("60^\\circ", ["60^\\circ", "60", "60°", "60^{\\circ}"], ["30^\\circ", "\\frac{\\pi}{3}"]),
    # percent
    ("25\\%", ["25\\%", "25", "25%", "25 percent", "0.25", "\\frac{1}{4}"], ["2.5\\%", "75\\%"]),
    ("12.5\\%", ["12.5\\%", "12.5", "0.125"], ["12\\%"]),
    # units and text
    ("5\\text{ cm}", ["5\\text{ cm}", "5", "5 \\text{cm}", "5\\,\\text{cm}", "5\\mbox{ cm}", "5\\text{ centimeters}"], ["6\\text{ cm}", "50\\text{ mm}"]),
    ("\\$18.90", ["\\$18.90", "18.90", "18.9", "\\$18.9", "18.90 dollars"], ["\\$19", "1890"]),
    ("30\\text{ m}^2", ["30\\text{ m}^2", "30", "30\\text{ m^2}"], ["31"]),
    ("\\text{Friday}", ["\\text{Friday}", "Friday", "\\text{friday}", "\\textbf{Friday}"], ["\\text{Monday}", "Fri"]),
    ("\\text{(C)}", ["\\text{(C)}", "C", "(C)", "\\text{C}", "\\textbf{(C)}"], ["D", "\\text{(B)}"]),
    ("\\text{Evelyn}", ["\\text{Evelyn}", "Evelyn", "\\text{evelyn}"], ["\\text{Bob}"]),
    ("\\text{odd}", ["\\text{odd}", "odd", "\\text{Odd}"], ["\\text{even}", "\\text{neither}"]),
    # intervals and unions
    ("(-\\infty, 3]", ["(-\\infty, 3]", "(-\\infty,3]", "\\left(-\\infty, 3\\right]", "(−∞, 3]", "x \\le 3", "x\\leq 3", "(-\\infty, 3 ]"], ["(-\\infty, 3)", "[3, \\infty)", "(-\\infty, 4]"]),
    ("[-2, 5)", ["[-2, 5)", "[-2,5)", "\\left[-2, 5\\right)", "-2 \\le x < 5", "[−2, 5)"], ["(-2, 5)", "[-2, 5]"]),
    ("(0,1)\\cup(2,\\infty)", ["(0,1)\\cup(2,\\infty)", "(0, 1) \\cup (2, \\infty)", "(0,1)∪(2,∞)", "(2,\\infty)\\cup(0,1)"], ["(0,1)\\cup[2,\\infty)", "(0,2)"]),
    ("(-\\infty,-2)\\cup(2,\\infty)", ["(-\\infty,-2)\\cup(2,\\infty)", "(-\\infty, -2) \\cup (2, \\infty)", "x<-2 \\text{ or } x>2"], ["(-2,2)"]),
    ("[1, \\infty)", ["[1, \\infty)", "[1,\\infty)", "x \\geq 1", "x\\ge1", "[1, ∞)"], ["(1, \\infty)", "x>1"]),
    ("(-3, 3)", ["(-3, 3)", "-3<x<3", "-3 < x < 3", "|x|<3"], ["[-3, 3]", "(-3,3]"]),
    ("[-1, 1]", ["[-1, 1]", "-1 \\le x \\le 1", "[-1,1]"], ["(-1, 1)"]),
    # sets
    ("\\{1,2,3\\}", ["\\{1,2,3\\}", "\\{3,2,1\\}", "1, 2, 3", "\\{1, 2, 3\\}", "1,2,3"], ["\\{1,2\\}", "\\{1,2,4\\}"]),
    ("\\{-1,4\\}", ["\\{-1,4\\}", "-1, 4", "4, -1", "\\{4, -1\\}", "x=-1 \\text{ or } x=4", "-1 \\text{ and } 4"], ["\\{1,4\\}", "4"]),
    ("6, -2", ["6, -2", "-2, 6", "6,-2", "\\{6,-2\\}", "x = 6, x = -2"], ["6, 2", "6"]),
    ("2,4", ["2,4", "2, 4", "4,2", "\\{2,4\\}"], ["2", "24"]),
    ("\\emptyset", ["\\emptyset", "\\varnothing", "\\{\\}", "∅"], ["0", "\\{0\\}"]),
    # tuples / points
    ("(2, 3)", ["(2, 3)", "(2,3)", "\\left(2, 3\\right)", "(2.0, 3.0)", "(x, y) = (2, 3)"], ["(3, 2)", "(2, 4)", "2, 3"]),
    ("(1,2)", ["(1,2)", "(1, 2)", "(p,q)=(1,2)", "\\left( 1, 2 \\right)"], ["(2,1)", "\\{1,2\\}"]),
    ("(3,-4)", ["(3,-4)", "(3, −4)", "(3,-4.0)"], ["(3,4)", "(-4,3)"]),
    ("\\left( 3, \\frac{\\pi}{2} \\right)", ["\\left( 3, \\frac{\\pi}{2} \\right)", "(3, \\frac{\\pi}{2})", "(3, \\pi/2)", "(3,\\tfrac{\\pi}{2})"], ["(3, \\pi)", "(\\frac{\\pi}{2}, 3)"]),
    ("(1,2,3)", ["(1,2,3)", "(1, 2, 3)"], ["(3,2,1)", "(1,2)"]),
    # matrices and vectors
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", ["\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}", "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "\\left[\\begin{matrix}1&2\\\\3&4\\end{matrix}\\right]", "\\begin{array}{cc} 1 & 2 \\\\ 3 & 4 \\end{array}", "\\begin{vmatrix}1&2\\\\3&4\\end{vmatrix}", "\\begin{pmatrix} 1.0 & 2 \\\\ 3 & 4.0 \\end{pmatrix}", "\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix} + \\begin{pmatrix} 0 & 2 \\\\ 3 & 3 \\end{pmatrix}", "\\begin{Bmatrix}1&2\\\\3&4\\end{Bmatrix}", "\\begin{smallmatrix}1&2\\\\3&4\\end{smallmatrix}"], ["\\begin{pmatrix} 1 & 3 \\\\ 2 & 4 \\end{pmatrix}", "\\begin{pmatrix} 1 & 2 \\end{pmatrix}", "(1, 2, 3, 4)"]),
    ("\\begin{pmatrix} -1 \\\\ 2 \\end{pmatrix}", ["\\begin{pmatrix} -1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix}-1\\\\2\\end{pmatrix}", "\\begin{bmatrix} -1 \\\\ 2 \\end{bmatrix}", "\\begin{pmatrix} −1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix} -2/2 \\\\ 4/2 \\end{pmatrix}", "\\begin{array}{c} -1 \\\\ 2 \\end{array}", "(-1, 2)", "\\begin{pmatrix} -1 & 2 \\end{pmatrix}", "2\\begin{pmatrix} -1/2 \\\\ 1 \\end{pmatrix}"], ["\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}"]),
    ("\\begin{pmatrix} 1/3 \\\\ 1/5 \\end{pmatrix}", ["\\begin{pmatrix} \\frac{1}{3} \\\\ \\frac{1}{5} \\end{pmatrix}", "\\begin{pmatrix} 0.33333 \\\\ 0.2 \\end{pmatrix}", "\\begin{pmatrix} 0.33 \\\\ 0.2 \\end{pmatrix}", "\\begin{bmatrix} 1/3 \\\\ 0.2 \\end{bmatrix}"], ["\\begin{pmatrix} 3 \\\\ 5 \\end{pmatrix}"]),
    ("\\begin{pmatrix} 0 & 0 \\\\ 0 & 0 \\end{pmatrix}", ["\\begin{pmatrix} 0 & 0 \\\\ 0 & 0 \\end{pmatrix}", "\\begin{bmatrix}0&0\\\\0&0\\end{bmatrix}", "0"], ["\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}"]),
    ("\\begin{pmatrix} 2 \\\\ -1 \\\\ 3 \\end{pmatrix}", ["\\begin{pmatrix} 2 \\\\ -1 \\\\ 3 \\end{pmatrix}", "\\begin{bmatrix}2\\\\-1\\\\3\\end{bmatrix}", "\\left(\\begin{array}{c}2\\\\-1\\\\3\\end{array}\\right)", "(2,-1,3)"], ["\\begin{pmatrix} 2 \\\\ 1 \\\\ 3 \\end{pmatrix}"]),
    # equations and inequalities
    ("y = 2x + 3", ["y = 2x + 3", "y=2x+3", "y = 3 + 2x", "2x + 3", "y=2 x+3"], ["y = 3x + 2", "y = 2x - 3"]),
    ("x=2", ["x=2", "2", "x = 2", "x=2.0"], ["x=3", "y=2"]),
    ("k = 5", ["k = 5", "5", "k=5"], ["k=4"]),
    ("x^2+y^2=25", ["x^2+y^2=25", "x^2 + y^2 = 25", "y^2+x^2=25"], ["x^2+y^2=5"]),
    ("x < 3", ["x < 3", "x<3", "(-\\infty, 3)", "3 > x"], ["x \\le 3", "x > 3"]),
    ("-2 < x < 5", ["-2 < x < 5", "(-2, 5)", "−2<x<5", "x > -2 \\text{ and } x < 5"], ["[-2,5]", "-2 \\le x < 5"]),
    ("x \\ge 1", ["x \\ge 1", "x\\geq 1", "x ≥ 1", "[1, \\infty)", "1 \\le x"], ["x > 1", "x \\le 1"]),
    ("x \\neq 3", ["x \\neq 3", "x \\ne 3", "x≠3", "x != 3"], ["x = 3"]),
    # plus-minus
    ("1 \\pm \\sqrt{2}", ["1 \\pm \\sqrt{2}", "1±\\sqrt{2}", "1+\\sqrt{2}, 1-\\sqrt{2}", "\\{1-\\sqrt2, 1+\\sqrt2\\}"], ["1+\\sqrt{2}", "1 \\pm 2"]),
    ("\\pm 3", ["\\pm 3", "±3", "3, -3", "-3, 3"], ["3", "-3"]),
    # infinity
    ("\\infty", ["\\infty", "∞", "+\\infty", "\\text{infinity}"], ["-\\infty", "0"]),
    # complex numbers
    ("1+2i", ["1+2i", "1 + 2i", "2i+1", "1+2\\cdot i", "1+i2"], ["1-2i", "2+i", "1+2j"]),
    ("3-4i", ["3-4i", "3 − 4i", "-4i+3", "3+(-4)i"], ["3+4i", "4-3i"]),
    ("-i", ["-i", "−i", "0-i"], ["i", "1"]),
    # expressions
    ("x^2+2x+1", ["x^2+2x+1", "(x+1)^2", "1+2x+x^2", "x^{2}+2x+1", "x**2+2*x+1"], ["x^2+1", "(x-1)^2"]),
    ("\\frac{x+1}{x-1}", ["\\frac{x+1}{x-1}", "\\frac{1+x}{x-1}", "(x+1)/(x-1)", "\\frac{-x-1}{1-x}"], ["\\frac{x-1}{x+1}"]),
    ("\\sec^2 y", ["\\sec^2 y", "\\tan^2 y + 1", "\\frac{1}{\\cos^2 y}", "\\sec^{2}(y)"], ["\\tan^2 y", "\\cos^2 y"]),
    ("\\sin x", ["\\sin x", "\\sin(x)", "\\cos(\\frac{\\pi}{2}-x)"], ["\\cos x"]),
    ("\\log_2 3", ["\\log_2 3", "\\log_{2}3", "\\log_2{3}", "\\frac{\\ln 3}{\\ln 2}", "1.58496"], ["\\log_3 2"]),
    ("\\sqrt[3]{x}^2", ["\\sqrt[3]{x}^2", "x^{2/3}", "x^{\\frac{2}{3}}"], ["x^{3/2}"]),
    ("e^2", ["e^2", "e^{2}", "7.38906", "\\exp(2)"], ["2e", "e"]),
    ("\\binom{5}{2}", ["\\binom{5}{2}", "10", "\\frac{5!}{2!3!}"], ["20"]),
    ("\\approx 1.41", ["1.41", "\\sqrt{2}", "1.414"], ["1.42"]),
    ("x=\\frac{1}{3}", ["x=\\frac{1}{3}", "x=\\frac13\\approx0.333", "\\frac{1}{3}", "x \\approx 0.33333"], ["x=3"]),
    ("x_1=2, x_2=3", ["x_1=2, x_2=3", "2, 3", "x_{1}=2,\\quad x_{2}=3", "x=2 \\text{ or } x=3"], ["2"]),
    ("a=2, b=3", ["a=2, b=3", "(a,b)=(2,3)", "a = 2, b = 3", "2, 3"], ["a=3, b=2"]),
    ("1\\leq|z|\\leq \\frac{3}{2}", ["[-\\frac{3}{2},-1] \\cup [1,\\frac{3}{2}]", "1 \\le |z| \\le 1.5"], ["[1, 3/2]"]),
]

# Shapes written inside longer answers: several boxes, reasoning with other numbers, unclosed
# <think>, Japanese answer words, equations and lists.
MORE_SHAPES = [
    ("-7", ["-7", "−7", "x = -7", "-7.0"], ["7", "-8"]),
    ("-\\frac{1}{3}", ["-\\frac{1}{3}", "−\\frac13", "-1/3", "-0.33333"], ["\\frac{1}{3}", "-0.33"]),
    ("\\frac{\\pi}{6}", ["\\frac{\\pi}{6}", "\\pi/6", "30^\\circ", "0.5236"], ["\\frac{\\pi}{3}"]),
    ("4\\pi", ["4\\pi", "4π", "\\pi \\cdot 4", "12.56637"], ["2\\pi"]),
    ("2+\\sqrt{3}", ["2+\\sqrt{3}", "\\sqrt{3}+2", "2 + \\sqrt3", "3.73205"], ["2-\\sqrt{3}"]),
    ("(-1, 3)", ["(-1, 3)", "(−1, 3)", "\\left(-1,3\\right)", "-1<x<3", "x \\in (-1, 3)"], ["[-1, 3]", "(-3, 1)"]),
    ("[0, \\infty)", ["[0, \\infty)", "[0,\\infty)", "x \\ge 0", "x\\geq0"], ["(0, \\infty)"]),
    ("(-\\infty, -1) \\cup (1, \\infty)", ["(-\\infty,-1)\\cup(1,\\infty)", "(1,\\infty)\\cup(-\\infty,-1)", "|x|>1"], ["(-1,1)"]),
    ("(4, -1)", ["(4, -1)", "(4,−1)", "(x,y)=(4,-1)", "x=4, y=-1"], ["(-1, 4)"]),
    ("(3, 5, 7)", ["(3,5,7)", "(3, 5, 7)"], ["(7,5,3)"]),
    ("\\begin{pmatrix} 3 \\\\ -2 \\end{pmatrix}", ["\\begin{pmatrix} 3 \\\\ -2 \\end{pmatrix}", "\\begin{bmatrix}3\\\\-2\\end{bmatrix}", "\\begin{pmatrix}3\\\\−2\\end{pmatrix}", "(3,-2)"], ["\\begin{pmatrix} -2 \\\\ 3 \\end{pmatrix}"]),
    ("\\begin{pmatrix} 2 & 0 \\\\ 0 & 2 \\end{pmatrix}", ["\\begin{pmatrix} 2 & 0 \\\\ 0 & 2 \\end{pmatrix}", "2\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}", "\\begin{bmatrix}2&0\\\\0&2\\end{bmatrix}", "\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}\\begin{pmatrix} 2 & 0 \\\\ 0 & 2 \\end{pmatrix}", "\\begin{pmatrix} 2 & 0 \\\\ 0 & 2 \\end{pmatrix}^T"], ["\\begin{pmatrix} 2 & 0 \\\\ 0 & 1 \\end{pmatrix}"]),
    ("-2", ["\\begin{vmatrix} 1 & 2 \\\\ 3 & 4 \\end{vmatrix}", "\\det\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "-2"], ["2"]),
    ("2 - 3i", ["2-3i", "2 − 3i", "-3i + 2", "2-3\\cdot i"], ["2+3i", "3-2i"]),
    ("\\frac{1}{2} + \\frac{\\sqrt{3}}{2}i", ["\\frac{1}{2} + \\frac{\\sqrt{3}}{2}i", "\\frac{1+i\\sqrt{3}}{2}", "0.5+0.86603i"], ["\\frac{1}{2} - \\frac{\\sqrt{3}}{2}i"]),
    ("x \\le -2", ["x \\le -2", "x ≤ −2", "(-\\infty, -2]", "-2 \\ge x"], ["x < -2", "x \\ge -2"]),
    ("0 < x < 1", ["0 < x < 1", "(0, 1)", "0<x<1", "x > 0 \\text{ and } x < 1"], ["[0,1]", "0 \\le x \\le 1"]),
    ("\\frac{3}{2} \\le x \\le 4", ["\\frac{3}{2} \\le x \\le 4", "[\\frac32, 4]", "1.5 \\le x \\le 4", "[1.5, 4]"], ["(1.5, 4)"]),
    ("a=3, b=-1", ["a=3, b=-1", "(a,b)=(3,-1)", "a = 3 \\text{ and } b = -1", "3, -1"], ["a=-1, b=3"]),
    ("f^{-1}(x) = \\frac{x-1}{2}", ["f^{-1}(x) = \\frac{x-1}{2}", "\\frac{x-1}{2}", "\\frac{x}{2}-\\frac12"], ["2x+1"]),
    ("\\csc^2 \\theta", ["\\csc^2 \\theta", "\\cot^2\\theta + 1", "\\frac{1}{\\sin^2 \\theta}"], ["\\cot^2 \\theta"]),
    ("\\arctan 1", ["\\arctan 1", "\\frac{\\pi}{4}", "\\tan^{-1}(1)", "0.7854"], ["\\frac{\\pi}{2}"]),
    ("\\log_3 5", ["\\log_3 5", "\\frac{\\log 5}{\\log 3}", "\\frac{\\ln 5}{\\ln 3}"], ["\\log_5 3"]),
    ("10\\%", ["10\\%", "10%", "0.1", "10 percent", "\\frac{1}{10}"], ["1\\%", "100\\%"]),
    ("45^\\circ", ["45^\\circ", "45°", "45", "\\frac{\\pi}{4}"], ["90^\\circ"]),
    ("\\$1,\\!250", ["\\$1,250", "1250", "\\$1250", "1,250 dollars"], ["\\$125"]),
    ("1{,}000{,}000", ["1000000", "1,000,000", "10^6"], ["100000"]),
    ("\\text{(A)}", ["\\text{(A)}", "A", "(A)", "\\textbf{(A)}"], ["B", "(C)"]),
    ("\\text{Tuesday}", ["\\text{Tuesday}", "Tuesday", "\\text{tuesday}"], ["\\text{Monday}"]),
    ("\\pm 2", ["\\pm 2", "±2", "2, -2", "-2, 2", "x = \\pm 2"], ["2"]),
    ("-\\infty", ["-\\infty", "−\\infty", "-∞"], ["\\infty"]),
    ("x=-3 \\text{ or } x=2", ["x=-3 \\text{ or } x=2", "-3, 2", "2, -3", "x = -3, x = 2", "\\{-3, 2\\}"], ["-3"]),
    ("y = -\\frac{1}{2}x + 4", ["y = -\\frac{1}{2}x + 4", "y=-\\frac{x}{2}+4", "y = 4 - 0.5x"], ["y = \\frac{1}{2}x + 4"]),
    ("2^{10}", ["2^{10}", "1024", "1,024"], ["2^{9}"]),
    ("\\sqrt{2}", ["\\sqrt{2}", "\\sqrt2", "2^{1/2}", "1.41421", "\\frac{2}{\\sqrt{2}}"], ["2", "\\sqrt{3}"]),
]

MORE_STYLES = [
    "<think>\nOkay, so we need the value. Let me compute: 3 + 4 = 7, and then the answer is $\\boxed{%s}$",
    "<think>\nHmm. Possibly 12. Let me check again.\n\nActually the final answer is %s",
    "First, $\\boxed{12}$ is tempting, but the final answer is $\\boxed{%s}$.",
    "We get \\boxed{%s} and \\boxed{%s}.",
    "The two candidates are $\\boxed{%s}$ or $\\boxed{0}$.",
    "Thus, $\\boxed{3}$, so finally \\boxed{%s}",
    "Step 1: $x^2 = 16$.\nStep 2: so $x = 4$.\n\nTherefore, the final answer is: $\\boxed{%s}$. I hope it is correct",
    "回答：$\\boxed{%s}$",
    "回答: %s",
    "**回答**：$%s$",
    "答え：%s です。",
    "答えは \\(%s\\) となります。",
    "最終的な答え：$$%s$$",
    "よって答えは$\\boxed{%s}$である。",
    "The answer is $%s$, since $2+2=4$.",
    "So, the answer is: $%s$",
    "## Final Answer\n\n$$\\boxed{%s}$$",
    "The final answer is $\\boxed{%s}$",
    "Answer: $\\boxed{%s}$\n\nNote: we used $x=2$ earlier.",
    "Final answer: %s.",
    "Hence the answer is \\[\\boxed{%s}\\]",
    "\\(\\boxed{%s}\\)",
    "$$\n\\boxed{%s}\n$$",
    "the answer: **%s**",
]

AIME_GOLDS = ["204", "25", "588", "73", "236", "1", "0", "104", "321", "907", "80", "033", "999", "017", "468", "113", "371"]

EN_STYLES = [
    "Therefore, the final answer is: $\\boxed{%s}$. I hope it is correct",
    "Therefore, the final answer is: $\\boxed{%s}$. I hope it is correct.",
    "Let me work it out.\n\nThe answer is $\\boxed{%s}$.",
    "\\boxed{%s}",
    "So we get \\boxed{ %s }.",
    "We find $%s$.",
    "The result is $$%s$$",
    "Hence \\(%s\\).",
    "Hence \\[%s\\]",
    "**Answer:** $%s$",
    "Answer: %s",
    "answer: %s",
    "The final answer is $%s$.",
    "The final answer is %s",
    "Final Answer: The final answer is $%s$. I hope it is correct.",
    "**Final answer:** \\boxed{%s}",
    "After simplifying, the value is \\[ %s \\] which is our answer.",
    "First I thought $\\boxed{7}$ but rechecking, the correct value is $\\boxed{%s}$.",
    "The answer is \\boxed{%s} and \\boxed{7}.",
    "<think>\nLet me think. Maybe 17?\n\nSo the answer is $\\boxed{%s}$",
    "<think>the answer might be 42</think>\nTherefore, the final answer is: $\\boxed{%s}$. I hope it is correct",
    "I computed $x = 4$ along the way. In the end $%s$ is what we need.",
    "答え：$%s$",
    "答え: %s",
    "**答え**: $\\boxed{%s}$",
    "回答：%s",
    "回答: $\\boxed{%s}$",
    "よって、答えは $%s$ です。",
    "したがって、最終的な答えは $\\boxed{%s}$ です。",
    "Answer:\\boxed{%s}",
    "Answer : $%s$ .",
    "The answer is: \\(%s\\) I hope",
    "**%s**",
    "The value is %s.",
    "$\\boxed{\\boxed{%s}}$",
    "Thus the answer is \\fbox{%s}.",
    "We have $\\boxed %s$",
]

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def dollar_safe(form):
    return form


def cases():
    n = 0
    out = []

    def add(task, gold, response, tags):
        nonlocal n
        n += 1
        out.append({"id": "gen-%05d" % n, "task": task, "gold": gold, "response": response, "tags": tags})

    for gold, equal, wrong in SHAPES:
        forms = [(f, "equal-form") for f in equal] + [(f, "other-form") for f in wrong]
        for form, kind in forms:
            styles = rng.sample(range(len(EN_STYLES)), 9)
            for s in styles:
                style = EN_STYLES[s]
                add("math_500", gold, style % form, [kind, "style-%d" % s])
            s = rng.randrange(len(EN_STYLES))
            add("math_100_japanese", gold, EN_STYLES[s] % form, [kind, "style-%d" % s])
            if any(c.isdigit() for c in form) and rng.random() < 0.5:
                s = rng.randrange(len(EN_STYLES))
                add("math_500", gold, EN_STYLES[s] % form.translate(FULLWIDTH), [kind, "fullwidth", "style-%d" % s])
        # The solution around the boxed gold, as MATH-500 writes it.
        add("math_500", gold, "Therefore, the final answer is: $\\boxed{%s}$. I hope it is correct" % gold, ["gold-form"])
    for gold, equal, wrong in MORE_SHAPES:
        for form, kind in [(f, "equal-form") for f in equal] + [(f, "other-form") for f in wrong]:
            for s in rng.sample(range(len(MORE_STYLES)), 10):
                style = MORE_STYLES[s]
                text = style % ((form, form) if style.count("%s") == 2 else form)
                add("math_500", gold, text, [kind, "more-style-%d" % s])
            s = rng.randrange(len(MORE_STYLES))
            if MORE_STYLES[s].count("%s") == 1:
                add("math_100_japanese", gold, MORE_STYLES[s] % form, [kind, "more-style-%d" % s])
    for gold in AIME_GOLDS:
        v = int(gold)
        forms = [str(v), gold, "%d.0" % v, "{:,}".format(v), "\\text{%d}" % v, str(v + 1), str(v * 10), "-%d" % v,
                 "%d^\\circ" % v, "\\frac{%d}{1}" % v, "%d.00" % v]
        for form in forms:
            for s in rng.sample(range(len(EN_STYLES)), 8):
                add("aime", gold, EN_STYLES[s] % form, ["style-%d" % s])
    return out


for c in cases():
    print(json.dumps(c, ensure_ascii=False))
