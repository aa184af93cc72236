using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DuplicateDismissals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DuplicateKey",
                table: "customer_identifiers",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DuplicateKey",
                table: "customer_fields",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "duplicate_dismissals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OtherCustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    DismissedBy = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    DismissedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_duplicate_dismissals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_duplicate_dismissals_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_duplicate_dismissals_customers_OtherCustomerId",
                        column: x => x.OtherCustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_customer_identifiers_DuplicateKey",
                table: "customer_identifiers",
                column: "DuplicateKey",
                filter: "\"DuplicateKey\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_customer_fields_Name_DuplicateKey",
                table: "customer_fields",
                columns: new[] { "Name", "DuplicateKey" },
                filter: "\"DuplicateKey\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_duplicate_dismissals_CustomerId_OtherCustomerId",
                table: "duplicate_dismissals",
                columns: new[] { "CustomerId", "OtherCustomerId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_duplicate_dismissals_OtherCustomerId",
                table: "duplicate_dismissals",
                column: "OtherCustomerId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "duplicate_dismissals");

            migrationBuilder.DropIndex(
                name: "IX_customer_identifiers_DuplicateKey",
                table: "customer_identifiers");

            migrationBuilder.DropIndex(
                name: "IX_customer_fields_Name_DuplicateKey",
                table: "customer_fields");

            migrationBuilder.DropColumn(
                name: "DuplicateKey",
                table: "customer_identifiers");

            migrationBuilder.DropColumn(
                name: "DuplicateKey",
                table: "customer_fields");
        }
    }
}
