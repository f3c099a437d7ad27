var l = new SpinFlow.Lattice.SquareLattice(4);
Console.WriteLine(l.Sites);
return 0;
